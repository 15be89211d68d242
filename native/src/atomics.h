/* Shared helpers for the native core: cache-line size and padding. */
#ifndef SP_ATOMICS_H
#define SP_ATOMICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define SP_CACHE_LINE 64
#define SP_ALIGNED _Alignas(SP_CACHE_LINE)

static inline void sp_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
