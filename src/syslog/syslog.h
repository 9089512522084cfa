/*
 * syslog.h - syslog message parsers (RFC 5424, RFC 3164) and stream framing (RFC 6587),
 * and (at the end) a received message as an event log event: its receipt.
 *
 * The parsers and the framer are pure functions over a byte buffer: nothing there
 * allocates, reads a clock or does I/O.
 * Parsed fields are slices that point into the caller's buffer, so they live exactly as
 * long as it does. Input is hostile: every length is checked before use, and a parser
 * fails on anything the grammar does not allow, including leftover bytes, with a reason.
 * A failed parse still fills in what it got (PRI, for example), so a caller can store a
 * malformed message with as much meaning as it has.
 */
#ifndef BS_SYSLOG_SYSLOG_H
#define BS_SYSLOG_SYSLOG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

struct bs_event;

/* A run of bytes inside the parsed buffer. p == NULL means absent or NILVALUE ("-"). */
struct bs_slice {
	const char *p;
	size_t len;
};

enum bs_syslog_format {
	BS_SYSLOG_UNKNOWN = 0, /* not even a PRI: the whole buffer is the message */
	BS_SYSLOG_RFC5424,
	BS_SYSLOG_RFC3164,
};

/* Limits of RFC 5424 section 6 (field lengths in octets). */
#define BS_SYSLOG_HOSTNAME_MAX 255
#define BS_SYSLOG_APPNAME_MAX 48
#define BS_SYSLOG_PROCID_MAX 128
#define BS_SYSLOG_MSGID_MAX 32
#define BS_SYSLOG_SDNAME_MAX 32
/* Limits of this implementation (RFC 5424 sets none): a message with more is not valid.
 * They bound the work of checking that no SD-ID appears twice (RFC 5424 6.3.2). */
#define BS_SYSLOG_SD_ELEMENTS_MAX 128
#define BS_SYSLOG_SD_PARAMS_MAX 1024

struct bs_syslog_msg {
	enum bs_syslog_format format;
	int pri;               /* 0..191, -1 when the message has none */
	int facility;          /* pri / 8, -1 when no PRI */
	int severity;          /* pri % 8, -1 when no PRI */
	int version;           /* RFC 5424 VERSION (1); 0 for RFC 3164 */
	struct bs_slice timestamp; /* as written; p NULL for NILVALUE / none */
	int64_t time_us;       /* the timestamp in UTC microseconds when has_time */
	int has_time;
	int time_local;        /* RFC 3164: no zone in the text, time_us read it as UTC */
	struct bs_slice hostname;
	struct bs_slice app_name; /* RFC 3164: the TAG before '[' or ':' */
	struct bs_slice procid;   /* RFC 3164: the digits or text in TAG[...] */
	struct bs_slice msgid;
	struct bs_slice sd;       /* STRUCTURED-DATA text, validated; p NULL for NILVALUE */
	struct bs_slice msg;      /* MSG, without the BOM; p NULL when there is none */
	int bom;                  /* MSG began with the UTF-8 BOM (and so is valid UTF-8) */
	const char *error;        /* static reason when the parse failed, else NULL */
	size_t error_at;          /* byte offset of the failure in the buffer */
};

/*
 * Parses one syslog message (one frame, without framing bytes). The format is told by
 * what follows the PRI: "1 " is RFC 5424, anything else RFC 3164 (which has almost no
 * rules; its parse is best effort: timestamp, hostname and TAG when they are there).
 * now_us is the receive time; RFC 3164 timestamps carry no year, and the year chosen is
 * the one that puts the time nearest to now_us.
 * Returns 0, or BS_EINVALID with out->error / out->error_at saying why and where (and the
 * thread's error message set). out is always fully initialised.
 */
int bs_syslog_parse(struct bs_syslog_msg *out, const char *buf, size_t len, int64_t now_us);

/* Walks the validated STRUCTURED-DATA of a message that parsed (m->sd.p != NULL):
 *     struct bs_syslog_sd_iter it; struct bs_slice id, name, value;
 *     bs_syslog_sd_init(&it, &m);
 *     while (bs_syslog_sd_element(&it, &id))
 *             while (bs_syslog_sd_param(&it, &name, &value))
 *                     ... value is still escaped: bs_syslog_sd_unescape() ...
 */
struct bs_syslog_sd_iter {
	const char *p, *end;
	int in_element;
};
void bs_syslog_sd_init(struct bs_syslog_sd_iter *it, const struct bs_syslog_msg *m);
/* 1 and the next SD-ID (skipping what is left of the current element), 0 at the end. */
int bs_syslog_sd_element(struct bs_syslog_sd_iter *it, struct bs_slice *id);
/* 1 and the next PARAM-NAME / escaped PARAM-VALUE of the current element, 0 at its end. */
int bs_syslog_sd_param(struct bs_syslog_sd_iter *it, struct bs_slice *name, struct bs_slice *value);
/* Appends the PARAM-VALUE with the escapes \" \\ \] resolved (other backslashes stay). */
void bs_syslog_sd_unescape(struct bs_buf *out, struct bs_slice value);

/*
 * Stream framing (RFC 6587), detected per message: a frame that starts with a digit is
 * octet-counted ("MSG-LEN SP MSG"); anything else runs to the next LF (non-transparent
 * framing; a CR before the LF is dropped). A digit run that is not a valid MSG-LEN followed
 * by SP is read as LF framing, so a damaged count costs one malformed message, not the
 * stream. Nothing is thrown away: a frame longer than max is cut into pieces of at most
 * max bytes (the first marked truncated, the rest continued). A blank line comes out as
 * a frame of len 0 (and no flags) that carries no message: consume it and go on.
 */
struct bs_syslog_framer {
	size_t max;        /* the largest frame handed out; set before use, >= 64 */
	size_t remaining;  /* octet-counted bytes still to come of an oversized frame */
	int lf_overflow;   /* inside an LF frame longer than max */
};

enum {
	BS_FRAME_OCTET = 1,       /* the frame was octet-counted */
	BS_FRAME_TRUNCATED = 2,   /* first max bytes of a longer frame; the rest follows */
	BS_FRAME_CONTINUED = 4,   /* a later piece of a frame longer than max */
	BS_FRAME_INCOMPLETE = 8,  /* the stream ended inside the frame */
};

struct bs_syslog_frame {
	size_t off, len;   /* the message: buf[off .. off+len) */
	size_t consumed;   /* bytes of buf used up, framing included */
	unsigned flags;    /* BS_FRAME_* */
};

/* Bytes of buffer a reader needs so that bs_syslog_frame_next() can always make progress. */
#define BS_SYSLOG_FRAME_SLACK 16

void bs_syslog_framer_init(struct bs_syslog_framer *fr, size_t max);
/*
 * Finds the next frame in buf[0..len). Returns 1 with *out filled, 0 when more bytes are
 * needed (nothing consumed). With eof set (the stream has ended) a partial frame is handed
 * out marked BS_FRAME_INCOMPLETE, and 0 means buf held nothing more. When len >= max +
 * BS_SYSLOG_FRAME_SLACK the result is always 1. The framer never fails.
 */
int bs_syslog_frame_next(struct bs_syslog_framer *fr, const char *buf, size_t len, int eof,
			 struct bs_syslog_frame *out);

/* The RFC 5424 name of a severity ("err") and facility ("local0"); "?" when out of range. */
const char *bs_syslog_severity_name(int severity);
const char *bs_syslog_facility_name(int facility);

/* ---- one received message as an event: its receipt (receipt.c) ----
 * Unlike the parsers, these build text in buffers and JSON: the syslog intake stores every
 * message it receives as the event bs_syslog_event_build makes (eventlog.h's struct
 * bs_event), and readers of the log see its data through bs_syslog_event_view. */

enum bs_syslog_transport { BS_SYSLOG_UDP, BS_SYSLOG_TCP, BS_SYSLOG_TLS };

/* Strings one event points into; reused from event to event (clear, not free). */
struct bs_syslog_scratch {
	struct bs_buf host, message, source, data, tmp;
};
void bs_syslog_scratch_release(struct bs_syslog_scratch *s);

/*
 * Fills ev (type "syslog") from one received message raw[0..len): host, severity and the
 * message text made valid UTF-8 (bad bytes and control characters become U+FFFD; the
 * message is cut at 64 KiB), and data holding the receipt: received, transport, framing
 * and the raw bytes. The parsed fields (facility, app_name, procid, msgid, sd, the sender's
 * timestamp, parse status) are a function of the receipt and come back with
 * bs_syslog_event_view; they are stored only when the raw bytes do not fit whole.
 * frame_flags are BS_FRAME_* (above). Returns 1 when the message parsed, 0 when it is
 * stored as malformed. ev's strings point into s.
 */
int bs_syslog_event_build(struct bs_event *ev, struct bs_syslog_scratch *s, const char *raw, size_t len,
			  int64_t recv_us, const char *source, enum bs_syslog_transport transport,
			  unsigned frame_flags);

/*
 * The data of a stored event as readers see it: for a syslog event stored as its receipt,
 * the receipt with the parsed fields added (what bs_syslog_event_build would write with
 * nothing left out); any other data as it is. New reference; data is not changed.
 */
json_t *bs_syslog_event_view(const char *type, json_t *data);

#endif
