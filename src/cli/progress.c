/* cli/progress.c - rows, rows/s and ETA on stderr while importing, drawn
 * only when stderr is a terminal (never in pipes, logs or CI). */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"

double progress_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p)
{
	p->enabled = isatty(STDERR_FILENO) == 1;
	p->started = progress_now();
	p->drawn = false;
}

void progress_update(const struct tp_import_progress *ip, void *ctx)
{
	struct progress *p = ctx;
	if (!p->enabled)
		return;
	double elapsed = progress_now() - p->started;
	double rate = elapsed > 0 ? (double)ip->rows / elapsed : 0;
	double frac = ip->bytes_total > 0 ? (double)ip->bytes_read / (double)ip->bytes_total : 0;
	if (frac > 1)
		frac = 1;
	char bar[31];
	int filled = (int)(frac * 30);
	for (int i = 0; i < 30; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[30] = '\0';
	double eta = frac > 0.001 ? elapsed * (1 - frac) / frac : 0;
	fprintf(stderr, "\r[%s] %3.0f%%  %lld rows  %.0f rows/s  ETA %02d:%02d ", bar,
		frac * 100, (long long)ip->rows, rate, (int)eta / 60, (int)eta % 60);
	fflush(stderr);
	p->drawn = true;
}

void progress_finish(struct progress *p)
{
	if (p->enabled && p->drawn)
		fprintf(stderr, "\r%79s\r", "");
}
