-- Sponsors get a payer type of their own (bot/payers.py): "apbd" splits into APBD provinsi and
-- APBD kabupaten/kota. The sponsors so far were regencies: every "apbd" becomes APBD
-- kabupaten/kota, except one the officer recorded as a province budget (level 'provinsi').
UPDATE sponsors SET payer = 'apbd_provinsi' WHERE payer = 'apbd' AND level = 'provinsi';
UPDATE sponsors SET payer = 'apbd_kabupaten', level = 'kabupaten' WHERE payer = 'apbd';
-- Each submission keeps a copy of its sponsor in its answers: the copy follows the sponsor.
UPDATE submissions
   SET answers = json_set(answers, '$.sponsor.payer',
                          (SELECT payer FROM sponsors WHERE sponsors.id = submissions.sponsor_id))
 WHERE sponsor_id IS NOT NULL
   AND json_extract(answers, '$.sponsor.payer') = 'apbd'
   AND EXISTS (SELECT 1 FROM sponsors WHERE sponsors.id = submissions.sponsor_id);
