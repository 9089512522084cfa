/* ransom_signs.c - the signs of ransomware as data (ransom_signs.h). Sources: the text's own
 * list (Annex 3 四: .crypt .VVV .CCC .ZZZ .AAA .ABC .XXX .TTT), and the notes and extensions
 * public incident reports and CISA #StopRansomware advisories give for each family (named
 * beside it). A name goes in only when no ordinary program is known to use it. */
#include <stddef.h>

#include "scan/ransom_signs.h"

const char *const bs_ransom_note_names[] = {
	"Restore-My-Files.txt",                               /* LockBit 2.0 */
	"@Please_Read_Me@.txt", "@WanaDecryptor@.exe", "@WanaDecryptor@.bmp", /* WannaCry */
	"RyukReadMe.txt", "RyukReadMe.html",                   /* Ryuk */
	"CONTI_README.txt",                                    /* Conti */
	"DECRYPT-FILES.txt",                                   /* Maze */
	"FILES ENCRYPTED.txt", "info.hta",                     /* Dharma, Phobos */
	"_readme.txt",                                         /* STOP/Djvu */
	"_Locky_recover_instructions.txt", "_HELP_instructions.html", /* Locky */
	"DECRYPT_INSTRUCTIONS.txt",                            /* CryptoLocker */
	"HELP_RESTORE_FILES.txt", "HELP_TO_DECRYPT_YOUR_FILES.txt", /* TeslaCrypt (.vvv .ccc ...) */
	"HOW_TO_DECRYPT.txt",                                  /* Hive */
	"akira_readme.txt",                                    /* Akira */
	"ClopReadMe.txt", "README_README.txt",                 /* Clop */
	"How To Restore Your Files.txt",                       /* Babuk */
	"!!!READ_ME_MEDUSA!!!.txt",                            /* Medusa */
	"CriticalBreachDetected.pdf",                          /* Rhysida */
	"README.BlackSuit.txt",                                /* BlackSuit */
	"# DECRYPT MY FILES #.txt", "# DECRYPT MY FILES #.html", /* Cerber */
	NULL,
};

const char *const bs_ransom_family_exts[] = {
	".wncry", ".wnry", ".wcry", ".wncryt",                 /* WannaCry */
	".lockbit",                                            /* LockBit */
	".ryk",                                                /* Ryuk */
	".locky", ".zepto", ".odin",                           /* Locky */
	".cerber", ".cerber3",                                 /* Cerber */
	".djvu",                                               /* STOP/Djvu */
	".phobos", ".dharma",                                  /* Phobos, Dharma */
	".akira", ".basta", ".clop", ".conti", ".medusa", ".rhysida", ".8base", ".blacksuit",
	NULL,
};

const char *const bs_ransom_text_exts[] = {
	".crypt", ".vvv", ".ccc", ".zzz", ".aaa", ".abc", ".xxx", ".ttt", /* Annex 3 四 */
	".locked", ".crypted", ".encrypted",                   /* generic */
	NULL,
};

const char *const bs_ransom_document_exts[] = {
	"doc", "docx", "xls", "xlsx", "ppt", "pptx", "pdf", "txt", "csv", "rtf", "odt", "ods", "odp",
	"jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "zip", "rar", "7z", "gz", "tar", "sql", "db",
	"mdb", "accdb", "bak", "psd", "dwg", "mp3", "mp4", "mov", "avi", "wav", "xml", "json", "html",
	"htm", "eml", "msg", "pst", NULL,
};
