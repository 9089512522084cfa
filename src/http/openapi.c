/* openapi.c - docs/openapi.yaml compiled into the binary with the assembler's .incbin.
 * NEEDSWORK: make does not know this object depends on docs/openapi.yaml (a rebuild after
 * editing only the YAML needs `touch src/http/openapi.c`); tests/cli/t0210 compares the
 * served document with the file so a stale build fails loudly. Moving it to tools/embed
 * needs a Makefile rule the lead owns. */
#include "http/http.h"

__asm__(".section .rodata\n"
	".balign 16\n"
	".hidden bs_http__openapi_start\n"
	".hidden bs_http__openapi_end\n"
	"bs_http__openapi_start:\n"
	".incbin \"docs/openapi.yaml\"\n"
	"bs_http__openapi_end:\n"
	".byte 0\n"
	".previous\n");

extern const char bs_http__openapi_start[];
extern const char bs_http__openapi_end[];

const char *bs_http_openapi(size_t *len)
{
	*len = (size_t)(bs_http__openapi_end - bs_http__openapi_start);
	return bs_http__openapi_start;
}
