/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pattern.h - the position-keyed data pattern of the test tools
 * (blkpattern, netpattern): byte p of a stream with seed S is byte p%8 of
 * mix(S ^ p/8), so a misplaced, stale or torn piece never verifies and
 * the receiver needs nothing but the seed.
 */
#ifndef XPV_PATTERN_H
#define XPV_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64's finaliser: every input bit reaches every output bit. */
static inline uint64_t pattern_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The LEN bytes of the pattern with SEED that start at position POS. */
static inline void pattern_fill(unsigned char *buf, uint64_t pos, size_t len,
				uint64_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint64_t p = pos + i;

		buf[i] = pattern_mix(seed ^ (p / 8)) >> (8 * (p % 8));
	}
}

#endif /* XPV_PATTERN_H */
