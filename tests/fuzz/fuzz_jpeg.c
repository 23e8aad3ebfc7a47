/* fuzz_jpeg: libFuzzer target for the JPEG engine (probe, scan, clean). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_engine.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_engine(&tacit_engine_jpeg, data, size);
}
