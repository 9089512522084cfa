/* strerror_zh.c - bs_strerror(): a system error as the thread's reader reads it (core/error.h).
 * The C library's strerror() is English whatever --lang says; a zh-TW reader of
 * "無法開啟 'x'：%s" gets the zh-TW text of the common errno values below, worded as the
 * zh_TW glibc translation words them, and the library's English for anything rarer. */
#include <errno.h>
#include <string.h>

#include "core/error.h"

static const char *zh(int e)
{
	switch (e) {
	case ENOENT: return "沒有此一檔案或目錄";
	case EACCES: return "權限不足";
	case EPERM: return "此項操作不被允許";
	case EEXIST: return "檔案已存在";
	case ENOSPC: return "裝置上已無剩餘空間";
	case EROFS: return "唯讀的檔案系統";
	case ENOTDIR: return "不是目錄";
	case EISDIR: return "是一個目錄";
	case EIO: return "輸入／輸出錯誤";
	case ENOMEM: return "記憶體不足";
	case ELOOP: return "符號連結的層數過多";
	case ENAMETOOLONG: return "檔案名稱太長";
	case EMFILE: return "開啟的檔案過多";
	case EBUSY: return "裝置或系統資源忙碌中";
	case EDQUOT: return "超過磁碟配額";
	case EFBIG: return "檔案太大";
	case EAGAIN: return "資源暫時無法取得";
	case EINVAL: return "無效的引數";
	case EADDRINUSE: return "位址已在使用中";
	case EADDRNOTAVAIL: return "無法指定要求的位址";
	default: return NULL;
	}
}

const char *bs_strerror(int errnum)
{
	const char *t;

	if (bs_error_lang() == BS_LANG_ZH_TW && (t = zh(errnum)))
		return t;
	return strerror(errnum);
}
