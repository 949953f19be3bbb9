/* util/rng.h - splitmix64, the library's seeded random number source.
 *
 * splitmix64 (Steele, Lea and Flood 2014, "Fast splittable pseudorandom
 * number generators", OOPSLA): a 64-bit counter through a mixing function.
 * Used directly where a stream of numbers is needed (demo data, training
 * folds) and to seed xoshiro256** (the bootstrap in stats/drivers.c). The
 * same seed gives the same numbers on every machine. */
#ifndef TP_UTIL_RNG_H
#define TP_UTIL_RNG_H

#include <stdint.h>

/* The next number of the stream whose state is *state (advanced). */
static inline uint64_t tp_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1), from the top 53 bits of the next number. */
static inline double tp_splitmix64_uniform(uint64_t *state)
{
	return (double)(tp_splitmix64(state) >> 11) * 0x1.0p-53;
}

#endif
