"""One reading pipeline for every typed answer, of workers and of officers.

A typed answer goes through the same stages before its own parser:

1. bot.reading.normalise: words with keys (case, accents, held-down letters, abbreviations,
   regional yes/no and "later" words, emoji, zero-width characters);
2. bot.reading.intents: "later" (a pause, it wins over a yes), negations (they undo a
   button's word inside them), corrections named in words (a field, and a value if given);
3. bot.reading.leadins: the words around a value by the kind of question ("nik saya",
   "no hp", "nama saya", "lahir di", greetings, particles, thanks), cut off;
4. bot.reading.amounts: hedges, ranges and several amounts, for incomes;
5. bot.reading.buttons: a button named by a label, an alias, a word of its own or its number;
6. the answer's parser (bot.reading.answers, bot.reading.officers: one reader per answer).

Results are small frozen values (bot.reading.results): Value, Confirm (one tap), Ambiguous
(asked, never guessed), Later, Correction, or the parser's Invalid.
"""
