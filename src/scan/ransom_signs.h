/* ransom_signs.h - private to src/scan: the signs of ransomware probe_ransom.c looks for, as
 * data (ransom_signs.c says where each comes from). Lists end with NULL; names compare
 * without regard to case. */
#ifndef BS_SCAN_RANSOM_SIGNS_H
#define BS_SCAN_RANSOM_SIGNS_H

/* Note names ransomware families use, exactly. */
extern const char *const bs_ransom_note_names[];
/* Extensions (with the dot) only ransomware gives files. */
extern const char *const bs_ransom_family_exts[];
/* Extensions Annex 3 四 names (.crypt .VVV ...) and generic ones (.locked ...): other files have
 * them too (.abc is ABC music notation), so alone they need corroboration. */
extern const char *const bs_ransom_text_exts[];
/* Extensions of documents, pictures and archives (no dot): a text extension after one of these
 * (budget.xlsx.CCC) is what ransomware does to a file. */
extern const char *const bs_ransom_document_exts[];

/* A note that speaks of decrypting or of encrypted files (a sign on its own). */
#define BS_RANSOM_NOTE_DECRYPT_RE \
	"^[^.]*(decrypt|your[_ -]?files[_ -]?(are|were|have been)[_ -]?encrypted|files[_ -]?encrypted|ransom)" \
	"[^.]*\\.(txt|html?|hta|rtf|url|png|bmp|jpe?g)$"
/* A note that only speaks of restoring or recovering: runbooks are named so too, so it needs
 * corroboration. */
#define BS_RANSOM_NOTE_RESTORE_RE \
	"^[^.]*(how[_ -]?to[_ -]?(restore|recover)|help[_ -]?(restore|recover)|restore[_ -]?(my[_ -]?)?files|" \
	"recover[_ -]?(my[_ -]?)?files|recovery[_ -]?(key|file)s?|!+[_ -]?read[_ -]?me[_ -]?!+)[^.]*" \
	"\\.(txt|html?|hta|rtf|url)$"

#endif
