/* A stand-in for Windows' bcryptprimitives.dll, which Debian's Wine 8.0
 * lacks: Rust's standard library for windows-gnu imports ProcessPrng from
 * it, so no Rust DLL or program loads without it. The Wine test harness
 * builds it with MinGW and installs it into its prefix; it is never part of
 * the product. ProcessPrng fills a buffer with random bytes and always
 * succeeds; RtlGenRandom (advapi32's SystemFunction036) does the work. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    /* RtlGenRandom takes a 32-bit length: larger requests go in chunks. */
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
