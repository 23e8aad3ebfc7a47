/* fuzz_webp: libFuzzer target for the WebP engine (probe, scan, clean). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_engine.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_engine(&tacit_engine_webp, data, size);
}
