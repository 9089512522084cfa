/*
 * i18n.h - the two languages of brokersec: Traditional Chinese first, English available.
 * Output language: --lang, else $BROKERSEC_LANG, else zh-TW.
 */
#ifndef BS_CORE_I18N_H
#define BS_CORE_I18N_H

enum bs_lang { BS_LANG_ZH_TW, BS_LANG_EN };

/* A text in both languages, as the catalog and the check policies carry it. The strings are
 * owned by whoever holds the struct; NULL when not set. */
struct bs_text {
	char *zh;
	char *en;
};

/* Parses "zh-TW" / "zh_TW" / "zh" / "en"; 0 or BS_EINVALID with a message. */
int bs_lang_parse(const char *s, enum bs_lang *out);
/* $BROKERSEC_LANG when valid, else zh-TW. */
enum bs_lang bs_lang_default(void);

/* Picks the string for lang: BS_T(lang, "中文", "English"). */
#define BS_T(lang, zh, en) ((lang) == BS_LANG_EN ? (en) : (zh))

#endif
