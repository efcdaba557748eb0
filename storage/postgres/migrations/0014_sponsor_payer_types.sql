-- Sponsors get a payer type of their own (bot/payers.py): "apbd" splits into APBD provinsi and
-- APBD kabupaten/kota. The sponsors so far were regencies: every "apbd" becomes APBD
-- kabupaten/kota, except one the officer recorded as a province budget (level 'provinsi').
UPDATE sponsors SET payer = 'apbd_provinsi' WHERE payer = 'apbd' AND level = 'provinsi';
UPDATE sponsors SET payer = 'apbd_kabupaten', level = 'kabupaten' WHERE payer = 'apbd';
-- Each submission keeps a copy of its sponsor in its answers: the copy follows the sponsor.
UPDATE submissions AS s
   SET answers = jsonb_set(s.answers, '{sponsor,payer}', to_jsonb(sp.payer))
  FROM sponsors AS sp
 WHERE sp.id = s.sponsor_id
   AND s.answers #>> '{sponsor,payer}' = 'apbd';
