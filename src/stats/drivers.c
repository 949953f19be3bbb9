/* stats/drivers.c - key driver analysis: Johnson's relative weights and
 * Shapley (LMG) values of R^2, with percentile bootstrap intervals (the
 * contract is include/touchpoint/drivers.h).
 *
 * No I/O and no global state; memory is allocated per call and released
 * before returning (except the result). GSL supplies the symmetric eigen
 * decomposition, called only on a finite symmetric matrix over our own
 * memory, where it cannot fail. The one thing GSL allocates itself is the
 * eigen workspace (5 q doubles); if that allocation failed, GSL's error
 * handler (abort, by default) would run before NULL came back.
 *
 * How the data are prepared:
 *  - A row is complete when y and every driver are finite; NaN (and, by
 *    extension, an infinity) drops the row. The complete rows are copied
 *    once, each column scaled by a power of two so that its largest
 *    magnitude lies in [1/2, 1): exact, it changes no correlation and keeps
 *    every sum of products far from overflow.
 *  - A driver is "constant" when all its values in the sample are equal
 *    (an exact comparison, not a variance threshold). It is left out of both
 *    models; its shares are 0. By the null-player property of Shapley values
 *    the other drivers' shares are those of the model without it.
 *
 * How singular correlation matrices are handled (perfectly or nearly
 * collinear drivers):
 *  - Relative weights: eigenvalues of R below EIG_TOL times the largest are
 *    dropped from R^{-1/2} (a pseudo-inverse), kept in R^{1/2}.
 *    r2 = r' R^+ r, the least-squares R^2 of the model, which is what OLS
 *    gives with a minimum-norm solution when drivers are collinear.
 *  - Shapley values: the R^2 of each subset is built by adding drivers one
 *    at a time to a Cholesky factor of the subset's correlation matrix; a
 *    driver whose partial variance given the drivers already in the factor
 *    (1 - R^2 of that driver on them, on the correlation scale) is below
 *    CHOL_TOL adds nothing (it lies in their span) and is not entered.
 *  - Both therefore give the R^2 of the span of the drivers, and agree to
 *    rounding except when a nearly collinear direction falls between the
 *    two tolerances. The relative weights sum to r2; the Shapley values sum
 *    to the R^2 of the full set reached through the Cholesky factors.
 *    Two exactly collinear drivers split their common share equally in both
 *    methods.
 *    A driver with a loading above NULL_LOADING on a dropped eigenvector is
 *    noted "collinear with another driver"; its share is finite, not 0.
 *
 * Bootstrap: resamples of the complete rows with replacement (xoshiro256**
 * seeded through splitmix64 from opts->seed, so a seed fixes the intervals),
 * each refitted in full, constant drivers re-detected in the resample (share
 * 0 there); a resample with a constant outcome gives every share 0. The
 * interval is the percentile interval at opts->level, with linear
 * interpolation between order statistics (Hyndman and Fan 1996, type 7). A
 * percentile interval need not contain the point estimate (a relative weight
 * near 0 is biased upward in resamples); it is reported as computed.
 *
 * Large samples (BLOCK_MIN_ROWS complete rows and more): recomputing the
 * moments of n rows for every resample costs O(n p^2) each (18 s for 200
 * resamples of 1M x 15). The rows are instead assigned at random (seeded)
 * to BLOCKS blocks whose centred sums and cross-products are kept, and a
 * resample draws BLOCKS blocks with replacement: the blocks are independent
 * like the rows, and the resampled sums have the same variance as under
 * the row bootstrap (G blocks of n/G rows: G (n/G) sigma^2 = n sigma^2), so
 * the intervals agree up to O(1/G) while each resample costs O(G p^2).
 * The blocks are summed in one pass over the rows on BOOT_THREADS threads
 * (a row's block is a hash of (seed, row)), and the point fit is made from
 * their totals (the same moments, summed in another order). Resamples are
 * then spread over BOOT_THREADS threads, each resample with its own
 * generator seeded from (seed, resample), so the intervals do not depend on
 * the number of threads. Beyond TP_SHAPLEY_EXACT_MAX drivers the row
 * bootstrap is used whatever n. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "touchpoint/drivers.h"
#include "util/rng.h"

#define DEFAULT_BOOTSTRAP 1000
#define DEFAULT_LEVEL 0.95
/* Relative eigenvalue tolerance for R (relative weights). */
#define EIG_TOL 1e-10
/* Partial variance, on the correlation scale, under which a driver is taken
 * as a linear combination of the others (Shapley values). */
#define CHOL_TOL 1e-10
/* Squared loading on the dropped eigenvectors from which a driver is noted
 * as collinear. */
#define NULL_LOADING 1e-6

/* From this many complete rows the bootstrap resamples blocks of rows. */
#define BLOCK_MIN_ROWS 100000
#define BLOCKS 4096
#define BOOT_THREADS 2

static const char NOTE_CONSTANT[] = "constant";
static const char NOTE_COLLINEAR[] = "collinear with another driver";

/* Scratch memory for one fit of both decompositions on p drivers. */
struct fitws {
	size_t p, m;		       /* drivers; columns (p drivers, then y) */
	bool shapley;		       /* compute Shapley values */
	double *mean;		       /* m */
	double *lo, *hi;	       /* m: range of each column, for constancy */
	double *cross;		       /* m x m: sums of products of deviations */
	double *corr;		       /* q x q correlations of the active drivers */
	double *rxy;		       /* q */
	size_t *active;		       /* q indices of the non-constant drivers */
	double *lam;		       /* q x q: R^{1/2} */
	double *beta;		       /* q */
	double *chol;		       /* q x q Cholesky rows (Shapley) */
	double *z;		       /* q */
	size_t *row_of;		       /* q: which active driver each Cholesky row holds */
	double *subset_r2;	       /* 2^q */
	double *weight;		       /* q: Shapley weight of a subset of each size */
	double *dev;		       /* m: one row's deviations from the means */
	double *eig_a, *eig_v, *eig_l; /* q x q, q x q, q: eigen decomposition */
	/* GSL's eigen workspaces, p + 1 of them by matrix size, made on use. */
	gsl_eigen_symmv_workspace **eig_ws;
};

/* What one fit produces. */
struct fit {
	double r2;
	double *rw;	 /* p */
	double *sh;	 /* p */
	bool *constant;	 /* p */
	bool *collinear; /* p */
	bool y_constant;
};

/* Random numbers --------------------------------------------------------- */

/* splitmix64 (util/rng.h) expands the seed into xoshiro's state. */

struct rng {
	uint64_t s[4];
};

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = tp_splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna 2021, "Scrambled linear pseudorandom
 * number generators", ACM TOMS 47(4)). */
static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* A uniform integer in [0, n), n > 0, without modulo bias: draws below
 * 2^64 mod n are rejected. */
static size_t rng_below(struct rng *r, size_t n)
{
	uint64_t bound = (uint64_t)n;
	uint64_t reject = (UINT64_MAX - bound + 1) % bound; /* 2^64 mod n */
	uint64_t v;

	do {
		v = rng_next(r);
	} while (v < reject);
	return (size_t)(v % bound);
}

/* Workspace -------------------------------------------------------------- */

static void fitws_free(struct fitws *w)
{
	free(w->mean);
	free(w->lo);
	free(w->hi);
	free(w->cross);
	free(w->corr);
	free(w->rxy);
	free(w->active);
	free(w->lam);
	free(w->beta);
	free(w->chol);
	free(w->z);
	free(w->row_of);
	free(w->subset_r2);
	free(w->weight);
	free(w->dev);
	free(w->eig_a);
	free(w->eig_v);
	free(w->eig_l);
	for (size_t q = 0; w->eig_ws && q <= w->p; q++)
		if (w->eig_ws[q])
			gsl_eigen_symmv_free(w->eig_ws[q]);
	free(w->eig_ws);
}

static bool fitws_init(struct fitws *w, size_t p, bool shapley)
{
	size_t m = p + 1;

	memset(w, 0, sizeof *w);
	w->p = p;
	w->m = m;
	w->shapley = shapley;
	w->mean = malloc(m * sizeof *w->mean);
	w->lo = malloc(m * sizeof *w->lo);
	w->hi = malloc(m * sizeof *w->hi);
	w->cross = malloc(m * m * sizeof *w->cross);
	w->corr = malloc(p * p * sizeof *w->corr);
	w->rxy = malloc(p * sizeof *w->rxy);
	w->active = malloc(p * sizeof *w->active);
	w->lam = malloc(p * p * sizeof *w->lam);
	w->beta = malloc(p * sizeof *w->beta);
	w->dev = malloc(m * sizeof *w->dev);
	w->eig_a = malloc(p * p * sizeof *w->eig_a);
	w->eig_v = malloc(p * p * sizeof *w->eig_v);
	w->eig_l = malloc(p * sizeof *w->eig_l);
	w->eig_ws = calloc(m, sizeof *w->eig_ws);
	if (!w->mean || !w->lo || !w->hi || !w->cross || !w->corr || !w->rxy || !w->active ||
	    !w->lam || !w->beta || !w->dev || !w->eig_a || !w->eig_v || !w->eig_l || !w->eig_ws)
		return false;
	if (!shapley)
		return true;
	w->chol = malloc(p * p * sizeof *w->chol);
	w->z = malloc(p * sizeof *w->z);
	w->row_of = malloc(p * sizeof *w->row_of);
	w->subset_r2 = malloc(((size_t)1 << p) * sizeof *w->subset_r2);
	w->weight = malloc(p * sizeof *w->weight);
	return w->chol && w->z && w->row_of && w->subset_r2 && w->weight;
}

static void fit_free(struct fit *f)
{
	free(f->rw);
	free(f->sh);
	free(f->constant);
	free(f->collinear);
}

static bool fit_init(struct fit *f, size_t p)
{
	memset(f, 0, sizeof *f);
	f->rw = calloc(p, sizeof *f->rw);
	f->sh = calloc(p, sizeof *f->sh);
	f->constant = calloc(p, sizeof *f->constant);
	f->collinear = calloc(p, sizeof *f->collinear);
	return f->rw && f->sh && f->constant && f->collinear;
}

/* Moments ---------------------------------------------------------------- */

/* Fills w->mean, w->lo, w->hi and w->cross (upper triangle) from the n rows
 * of data (n x m, row-major), row i counted count[i] times (once each when
 * count is NULL). Rows with count 0 are skipped. Two passes: the means,
 * then the sums of products of deviations from them. */
static void moments(struct fitws *w, const double *data, size_t n, const size_t *count)
{
	size_t m = w->m;
	double total = 0.0;

	for (size_t j = 0; j < m; j++) {
		w->mean[j] = 0.0;
		w->lo[j] = INFINITY;
		w->hi[j] = -INFINITY;
	}
	for (size_t i = 0; i < n; i++) {
		double c = count ? (double)count[i] : 1.0;
		const double *row = data + i * m;

		if (c == 0.0)
			continue;
		total += c;
		for (size_t j = 0; j < m; j++) {
			w->mean[j] += c * row[j];
			if (row[j] < w->lo[j])
				w->lo[j] = row[j];
			if (row[j] > w->hi[j])
				w->hi[j] = row[j];
		}
	}
	for (size_t j = 0; j < m; j++)
		w->mean[j] /= total;
	memset(w->cross, 0, m * m * sizeof *w->cross);
	for (size_t i = 0; i < n; i++) {
		double c = count ? (double)count[i] : 1.0;
		const double *row = data + i * m;
		double *d = w->dev;

		if (c == 0.0)
			continue;
		for (size_t j = 0; j < m; j++)
			d[j] = row[j] - w->mean[j];
		for (size_t j = 0; j < m; j++) {
			double dj = c * d[j];
			double *cr = w->cross + j * m;
			for (size_t k = j; k < m; k++)
				cr[k] += dj * d[k];
		}
	}
}

/* Correlation of columns j and k from the sums of products, within [-1, 1]. */
static double correlation(const struct fitws *w, size_t j, size_t k)
{
	size_t a = j < k ? j : k, b = j < k ? k : j;
	double r =
	    w->cross[a * w->m + b] / sqrt(w->cross[a * w->m + a]) / sqrt(w->cross[b * w->m + b]);

	if (r > 1.0)
		return 1.0;
	if (r < -1.0)
		return -1.0;
	return r;
}

/* Relative weights ------------------------------------------------------- */

/* Johnson (2000, Multivariate Behavioral Research 35(1), 1-19): with
 * R = V diag(l) V' and Lambda = R^{1/2} = V diag(sqrt l) V' (so that
 * X = Z Lambda with Z = X R^{-1/2} orthonormal), the regression of y on Z
 * has beta = R^{-1/2} r_xy, and driver j's weight is
 * eps_j = sum_k Lambda_jk^2 beta_k^2. Since sum_j Lambda_jk^2 = R_kk = 1,
 * the weights add up to sum_k beta_k^2 = r_xy' R^{-1} r_xy = R^2.
 * Eigenvalues under EIG_TOL * l_max are dropped from R^{-1/2}, where they
 * would be divided by (a pseudo-inverse); R^{1/2} keeps every positive
 * eigenvalue, so that the column sums of Lambda^2 stay exactly 1 and the
 * identity above holds to rounding. Writes the weights of the q active
 * drivers into f (at their original index), r2 = sum_k beta_k^2 and the
 * collinearity flags. Returns false when out of memory. */
static bool relative_weights(struct fitws *w, size_t q, struct fit *f)
{
	gsl_matrix_view av = gsl_matrix_view_array(w->eig_a, q, q);
	gsl_matrix_view vv = gsl_matrix_view_array(w->eig_v, q, q);
	gsl_vector_view lv = gsl_vector_view_array(w->eig_l, q);
	const gsl_matrix *v = &vv.matrix;
	const gsl_vector *l = &lv.vector;
	double lmax = 0.0;

	if (!w->eig_ws[q]) {
		w->eig_ws[q] = gsl_eigen_symmv_alloc(q);
		if (!w->eig_ws[q])
			return false;
	}
	memcpy(w->eig_a, w->corr, q * q * sizeof *w->eig_a);
	gsl_eigen_symmv(&av.matrix, &lv.vector, &vv.matrix, w->eig_ws[q]);
	for (size_t i = 0; i < q; i++)
		if (gsl_vector_get(l, i) > lmax)
			lmax = gsl_vector_get(l, i);

	/* beta = R^{-1/2} r_xy on the kept eigenspace, Lambda = R^{1/2}; a
	 * driver loading on a dropped eigenvector is noted collinear. */
	memset(w->beta, 0, q * sizeof *w->beta);
	memset(w->lam, 0, q * q * sizeof *w->lam);
	for (size_t i = 0; i < q; i++) {
		double li = gsl_vector_get(l, i);
		double root = li > 0.0 ? sqrt(li) : 0.0;
		bool kept = li > EIG_TOL * lmax;
		double vr = 0.0;

		for (size_t k = 0; kept && k < q; k++)
			vr += gsl_matrix_get(v, k, i) * w->rxy[k];
		for (size_t j = 0; j < q; j++) {
			double vji = gsl_matrix_get(v, j, i);

			if (kept)
				w->beta[j] += vji * vr / root;
			else if (vji * vji > NULL_LOADING)
				f->collinear[w->active[j]] = true;
			for (size_t k = 0; k < q; k++)
				w->lam[j * q + k] += vji * root * gsl_matrix_get(v, k, i);
		}
	}
	f->r2 = 0.0;
	for (size_t k = 0; k < q; k++)
		f->r2 += w->beta[k] * w->beta[k];
	for (size_t j = 0; j < q; j++) {
		double e = 0.0;
		for (size_t k = 0; k < q; k++) {
			double lb = w->lam[j * q + k] * w->beta[k];
			e += lb * lb;
		}
		f->rw[w->active[j]] = e;
	}
	return true;
}

/* Shapley values --------------------------------------------------------- */

struct walk {
	struct fitws *w;
	size_t q;
};

/* Visits every subset of the active drivers k..q-1 added to the subset
 * `mask` of 0..k-1, whose Cholesky factor has `rows` rows (drivers in their
 * span are not entered) and whose R^2 is r2. Adding driver k to a factor L
 * of R_SS with z = L^{-1} r_S (so R^2(S) = z'z): t = L^{-1} R_Sk, d = 1 - t't
 * (the partial variance of k given S), new diagonal sqrt d, new
 * z_k = (r_k - t'z) / sqrt d and R^2(S + k) = R^2(S) + z_k^2 (the update of
 * a Cholesky factor by one row; Golub and Van Loan 2013, sec. 4.2, and
 * the identity r_S' R_SS^{-1} r_S = |L^{-1} r_S|^2). O(|S|^2) per
 * subset, O(2^q q^2) in all. */
static void walk(const struct walk *c, size_t k, size_t mask, size_t rows, double r2)
{
	struct fitws *w = c->w;
	size_t q = c->q;
	double t[TP_SHAPLEY_EXACT_MAX];
	double d = 1.0, zk;

	if (k == q) {
		w->subset_r2[mask] = r2;
		return;
	}
	walk(c, k + 1, mask, rows, r2);
	mask |= (size_t)1 << k;
	for (size_t i = 0; i < rows; i++) {
		const double *li = w->chol + i * q;
		double s = w->corr[w->row_of[i] * q + k];
		for (size_t j = 0; j < i; j++)
			s -= li[j] * t[j];
		t[i] = s / li[i];
		d -= t[i] * t[i];
	}
	if (d < CHOL_TOL) {
		walk(c, k + 1, mask, rows, r2);
		return;
	}
	zk = w->rxy[k];
	for (size_t i = 0; i < rows; i++)
		zk -= t[i] * w->z[i];
	zk /= sqrt(d);
	memcpy(w->chol + rows * q, t, rows * sizeof *t);
	w->chol[rows * q + rows] = sqrt(d);
	w->row_of[rows] = k;
	w->z[rows] = zk;
	walk(c, k + 1, mask, rows + 1, r2 + zk * zk);
}

/* Shapley value of R^2 for each active driver (Lindeman, Merenda and Gold
 * 1980, "Introduction to Bivariate and Multivariate Analysis"; Gromping
 * 2007, "Estimators of relative importance in linear regression based on
 * variance decomposition", The American Statistician 61(2)): sh_j = sum over S not containing j of
 * |S|! (q - |S| - 1)! / q! (R^2(S + j) - R^2(S)), rearranged as a sum over
 * all subsets T of weight(|T| - 1) R^2(T) for j in T, minus weight(|T|) R^2(T)
 * for j not in T. */
static void shapley(struct fitws *w, size_t q, struct fit *f)
{
	struct walk c = {w, q};
	size_t subsets = (size_t)1 << q;
	double sh[TP_SHAPLEY_EXACT_MAX] = {0};

	/* weight(s) = s! (q - s - 1)! / q! = 1 / (q C(q - 1, s)). */
	for (size_t s = 0; s < q; s++) {
		double binom = 1.0;
		for (size_t i = 0; i < s; i++)
			binom = binom * (double)(q - 1 - i) / (double)(i + 1);
		w->weight[s] = 1.0 / ((double)q * binom);
	}
	walk(&c, 0, 0, 0, 0.0);
	for (size_t mask = 0; mask < subsets; mask++) {
		double r2 = w->subset_r2[mask];
		size_t size = 0;

		for (size_t j = 0; j < q; j++)
			size += (mask >> j) & 1;
		for (size_t j = 0; j < q; j++) {
			if ((mask >> j) & 1)
				sh[j] += w->weight[size - 1] * r2;
			else if (size < q)
				sh[j] -= w->weight[size] * r2;
		}
	}
	for (size_t j = 0; j < q; j++)
		f->sh[w->active[j]] = sh[j];
}

/* One fit ---------------------------------------------------------------- */

/* Fits both decompositions from the moments in w (mean, lo, hi, cross).
 * Every field of f is overwritten. Returns false when out of memory. */
static bool fit_moments(struct fitws *w, struct fit *f)
{
	size_t p = w->p, q = 0;

	f->r2 = 0.0;
	for (size_t j = 0; j < p; j++) {
		f->rw[j] = 0.0;
		f->sh[j] = 0.0;
		f->constant[j] = w->lo[j] == w->hi[j];
		f->collinear[j] = false;
		if (!f->constant[j])
			w->active[q++] = j;
	}
	f->y_constant = w->lo[p] == w->hi[p];
	if (f->y_constant || q == 0)
		return true;
	for (size_t j = 0; j < q; j++) {
		w->rxy[j] = correlation(w, w->active[j], p);
		for (size_t k = 0; k < q; k++)
			w->corr[j * q + k] =
			    j == k ? 1.0 : correlation(w, w->active[j], w->active[k]);
	}
	if (!relative_weights(w, q, f))
		return false;
	if (w->shapley)
		shapley(w, q, f);
	return true;
}

/* Fits both decompositions to data (n x m, y last) with row weights count
 * (or NULL). Every field of f is overwritten. Returns false when out of
 * memory. */
static bool fit_sample(struct fitws *w, const double *data, size_t n, const size_t *count,
		       struct fit *f)
{
	moments(w, data, n, count);
	return fit_moments(w, f);
}

/* Bootstrap -------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The percentile interval of the b values xs (sorted in place): the
 * (1 - level) / 2 and (1 + level) / 2 quantiles, type 7 of Hyndman and Fan
 * (1996, "Sample quantiles in statistical packages", The American
 * Statistician 50(4)): x[h] interpolated at h = (b - 1) prob. */
static void percentile(double *xs, size_t b, double level, double *lo, double *hi)
{
	double probs[2] = {(1.0 - level) / 2.0, (1.0 + level) / 2.0};
	double *outs[2] = {lo, hi};

	qsort(xs, b, sizeof *xs, cmp_double);
	for (int i = 0; i < 2; i++) {
		double h = (double)(b - 1) * probs[i];
		size_t at = (size_t)floor(h);
		double frac = h - (double)at;

		if (at + 1 >= b)
			*outs[i] = xs[b - 1];
		else
			*outs[i] = xs[at] + frac * (xs[at + 1] - xs[at]);
	}
}

/* Runs b resamples of the n rows of data and sets the intervals of res.
 * Returns false when out of memory. */
static bool bootstrap(struct fitws *w, const double *data, size_t n, size_t b,
		      const struct tp_drivers_options *o, double level,
		      struct tp_drivers_result *res)
{
	size_t p = w->p;
	size_t *count = malloc(n * sizeof *count);
	double *rw = malloc(b * p * sizeof *rw);
	double *sh = w->shapley ? malloc(b * p * sizeof *sh) : NULL;
	struct fit f;
	struct rng r;
	bool ok = fit_init(&f, p) && count && rw && (sh || !w->shapley);

	if (!ok)
		goto out;
	rng_seed(&r, o->seed);
	for (size_t s = 0; s < b && ok; s++) {
		memset(count, 0, n * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[rng_below(&r, n)]++;
		ok = fit_sample(w, data, n, count, &f);
		for (size_t j = 0; j < p; j++) {
			/* A resample with a constant outcome explains nothing. */
			rw[j * b + s] = f.y_constant ? 0.0 : f.rw[j];
			if (sh)
				sh[j * b + s] = f.y_constant ? 0.0 : f.sh[j];
		}
	}
	for (size_t j = 0; ok && j < p; j++) {
		struct tp_driver_share *d = &res->drivers[j];
		percentile(rw + j * b, b, level, &d->rw_lo, &d->rw_hi);
		if (sh)
			percentile(sh + j * b, b, level, &d->sh_lo, &d->sh_hi);
	}
out:
	fit_free(&f);
	free(sh);
	free(rw);
	free(count);
	return ok;
}

/* Block bootstrap for large samples ------------------------------------- */

/* Per block: rows, sums of deviations from a reference point (the full
 * sample's column means from a first pass), their cross-products (m x m,
 * upper triangle) and each column's range. */
struct blocks {
	size_t g, m;
	double *ref; /* m */
	double *rows, *sum, *cross, *lo, *hi;
};

static void blocks_free(struct blocks *bl)
{
	free(bl->ref);
	free(bl->rows);
	free(bl->sum);
	free(bl->cross);
	free(bl->lo);
	free(bl->hi);
}

static bool blocks_alloc(struct blocks *bl, size_t g, size_t m)
{
	memset(bl, 0, sizeof *bl);
	bl->g = g;
	bl->m = m;
	bl->ref = calloc(m, sizeof *bl->ref);
	bl->rows = calloc(g, sizeof *bl->rows);
	bl->sum = calloc(g * m, sizeof *bl->sum);
	bl->cross = calloc(g * m * m, sizeof *bl->cross);
	bl->lo = malloc(g * m * sizeof *bl->lo);
	bl->hi = malloc(g * m * sizeof *bl->hi);
	if (!bl->ref || !bl->rows || !bl->sum || !bl->cross || !bl->lo || !bl->hi) {
		blocks_free(bl);
		return false;
	}
	for (size_t k = 0; k < g * m; k++) {
		bl->lo[k] = INFINITY;
		bl->hi[k] = -INFINITY;
	}
	return true;
}

/* The block of row i: a hash of (seed, i), so that it does not depend on
 * which thread reads the row. BLOCKS is a power of two. */
static size_t block_of(uint64_t key, size_t i)
{
	uint64_t k = key + (uint64_t)i * 0x9e3779b97f4a7c15u;
	return (size_t)(tp_splitmix64(&k) & (BLOCKS - 1));
}

struct block_job {
	struct blocks *bl;
	const double *data;
	const double *ref;
	size_t from, to;
	uint64_t key;
};

static void *block_worker(void *arg)
{
	const struct block_job *job = arg;
	struct blocks *bl = job->bl;
	size_t m = bl->m;
	double d[TP_SHAPLEY_EXACT_MAX + 1];
	for (size_t i = job->from; i < job->to; i++) {
		const double *row = job->data + i * m;
		size_t b = block_of(job->key, i);
		double *sum = bl->sum + b * m, *lo = bl->lo + b * m, *hi = bl->hi + b * m;
		double *cross = bl->cross + b * m * m;
		bl->rows[b] += 1.0;
		for (size_t j = 0; j < m; j++) {
			d[j] = row[j] - job->ref[j];
			sum[j] += d[j];
			lo[j] = row[j] < lo[j] ? row[j] : lo[j];
			hi[j] = row[j] > hi[j] ? row[j] : hi[j];
		}
		for (size_t j = 0; j < m; j++) {
			double *cr = cross + j * m;
			for (size_t k = j; k < m; k++)
				cr[k] += d[j] * d[k];
		}
	}
	return NULL;
}

/* Adds the blocks of b into a (same shape). */
static void blocks_merge(struct blocks *a, const struct blocks *b)
{
	size_t gm = a->g * a->m;
	for (size_t k = 0; k < a->g; k++)
		a->rows[k] += b->rows[k];
	for (size_t k = 0; k < gm; k++) {
		a->sum[k] += b->sum[k];
		a->lo[k] = b->lo[k] < a->lo[k] ? b->lo[k] : a->lo[k];
		a->hi[k] = b->hi[k] > a->hi[k] ? b->hi[k] : a->hi[k];
	}
	for (size_t k = 0; k < gm * a->m; k++)
		a->cross[k] += b->cross[k];
}

/* Assigns the n rows of data (p + 1 <= 17 columns) to BLOCKS blocks and
 * sums them, on BOOT_THREADS threads (each its own share of the rows into
 * its own blocks, merged in a fixed order). Returns false when out of
 * memory. */
static bool blocks_make(struct blocks *bl, size_t m, const double *data, size_t n, uint64_t seed)
{
	struct blocks part[BOOT_THREADS];
	struct block_job jobs[BOOT_THREADS];
	pthread_t tids[BOOT_THREADS];
	bool started[BOOT_THREADS] = {false};
	size_t made = 0;
	bool ok = true;

	for (; made < BOOT_THREADS && ok; made++)
		ok = blocks_alloc(&part[made], BLOCKS, m);
	if (!ok) {
		made--;
		goto out;
	}
	/* The reference point: the column means (a cheap first pass). */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m; j++)
			part[0].ref[j] += data[i * m + j];
	for (size_t j = 0; j < m; j++)
		part[0].ref[j] /= (double)n;
	for (size_t t = 0; t < BOOT_THREADS; t++) {
		jobs[t] = (struct block_job){&part[t], data, part[0].ref, n * t / BOOT_THREADS,
					     n * (t + 1) / BOOT_THREADS, seed ^ 0x5bd1e9955bd1e995u};
		if (t > 0)
			started[t] = pthread_create(&tids[t], NULL, block_worker, &jobs[t]) == 0;
	}
	block_worker(&jobs[0]);
	for (size_t t = 1; t < BOOT_THREADS; t++) {
		if (started[t])
			pthread_join(tids[t], NULL);
		else
			block_worker(&jobs[t]);
		blocks_merge(&part[0], &part[t]);
	}
	*bl = part[0];
	memset(&part[0], 0, sizeof part[0]); /* now owned by bl */
out:
	for (size_t t = 0; t < made; t++)
		blocks_free(&part[t]);
	return ok;
}

/* The moments in w of the blocks drawn: pick(r) gives each of the g draws
 * (NULL r: every block once, the full sample). Cross-products about the
 * sample's own means are sum(C) - s s' / N, s the summed deviations from
 * the reference point. */
static void blocks_moments(const struct blocks *bl, struct fitws *w, struct rng *r, double *s)
{
	size_t g = bl->g, m = bl->m;
	double rows = 0.0;
	memset(w->cross, 0, m * m * sizeof *w->cross);
	for (size_t j = 0; j < m; j++) {
		s[j] = 0.0;
		w->lo[j] = INFINITY;
		w->hi[j] = -INFINITY;
	}
	for (size_t t = 0; t < g; t++) {
		size_t b = r ? rng_below(r, g) : t;
		const double *sum = bl->sum + b * m, *cross = bl->cross + b * m * m;
		rows += bl->rows[b];
		for (size_t j = 0; j < m; j++) {
			s[j] += sum[j];
			if (bl->lo[b * m + j] < w->lo[j])
				w->lo[j] = bl->lo[b * m + j];
			if (bl->hi[b * m + j] > w->hi[j])
				w->hi[j] = bl->hi[b * m + j];
			for (size_t k = j; k < m; k++)
				w->cross[j * m + k] += cross[j * m + k];
		}
	}
	for (size_t j = 0; j < m; j++) {
		w->mean[j] = bl->ref[j] + (rows > 0.0 ? s[j] / rows : 0.0);
		for (size_t k = j; k < m; k++)
			w->cross[j * m + k] -= rows > 0.0 ? s[j] * s[k] / rows : 0.0;
	}
}

struct boot_job {
	const struct blocks *bl;
	size_t p, b, first, step;
	bool shapley;
	uint64_t seed;
	double *rw, *sh; /* p x b, by driver then resample */
	bool ok;
};

static void *boot_worker(void *arg)
{
	struct boot_job *job = arg;
	struct fitws w;
	struct fit f;
	double s[TP_SHAPLEY_EXACT_MAX + 1];
	job->ok = fitws_init(&w, job->p, job->shapley) && fit_init(&f, job->p);
	for (size_t t = job->first; job->ok && t < job->b; t += job->step) {
		struct rng r;
		uint64_t key = job->seed + 0x9e3779b97f4a7c15u * (uint64_t)(t + 1);
		rng_seed(&r, tp_splitmix64(&key));
		blocks_moments(job->bl, &w, &r, s);
		job->ok = fit_moments(&w, &f);
		for (size_t j = 0; j < job->p; j++) {
			job->rw[j * job->b + t] = f.y_constant ? 0.0 : f.rw[j];
			if (job->sh)
				job->sh[j * job->b + t] = f.y_constant ? 0.0 : f.sh[j];
		}
	}
	fit_free(&f);
	fitws_free(&w);
	return NULL;
}

/* The bootstrap of bootstrap() by blocks, on BOOT_THREADS threads. */
static bool bootstrap_blocks(const struct blocks *bl, size_t p, bool has_shapley, size_t b,
			     const struct tp_drivers_options *o, double level,
			     struct tp_drivers_result *res)
{
	double *rw = malloc(b * p * sizeof *rw);
	double *sh = has_shapley ? malloc(b * p * sizeof *sh) : NULL;
	bool ok = rw && (sh || !has_shapley);
	struct boot_job jobs[BOOT_THREADS];
	pthread_t tids[BOOT_THREADS];
	bool started[BOOT_THREADS] = {false};

	for (size_t k = 0; ok && k < BOOT_THREADS; k++) {
		jobs[k] = (struct boot_job){bl, p, b, k, BOOT_THREADS, has_shapley, o->seed,
					    rw, sh, false};
		if (k > 0)
			started[k] = pthread_create(&tids[k], NULL, boot_worker, &jobs[k]) == 0;
	}
	if (ok) {
		/* This thread does the first share, and any a thread could not take. */
		boot_worker(&jobs[0]);
		for (size_t k = 1; k < BOOT_THREADS; k++) {
			if (started[k])
				pthread_join(tids[k], NULL);
			else
				boot_worker(&jobs[k]);
			jobs[0].ok = jobs[0].ok && jobs[k].ok;
		}
		ok = jobs[0].ok;
	}
	for (size_t j = 0; ok && j < p; j++) {
		struct tp_driver_share *d = &res->drivers[j];
		percentile(rw + j * b, b, level, &d->rw_lo, &d->rw_hi);
		if (sh)
			percentile(sh + j * b, b, level, &d->sh_lo, &d->sh_hi);
	}
	free(rw);
	free(sh);
	return ok;
}

/* Public API ------------------------------------------------------------- */

void tp_drivers_options_init(struct tp_drivers_options *o)
{
	o->bootstrap = DEFAULT_BOOTSTRAP;
	o->seed = 1;
	o->level = DEFAULT_LEVEL;
}

void tp_drivers_free(struct tp_drivers_result *result)
{
	if (!result)
		return;
	free(result->drivers);
	free(result);
}

static bool row_complete(const double *y, const double *x, size_t i, size_t p)
{
	if (!isfinite(y[i]))
		return false;
	for (size_t j = 0; j < p; j++)
		if (!isfinite(x[i * p + j]))
			return false;
	return true;
}

/* Copies the complete rows into *data (n x (p + 1), y last, each column
 * scaled by the power of two that brings its largest magnitude into
 * [1/2, 1)). Returns false when out of memory. */
static bool complete_rows(const double *y, const double *x, size_t n_rows, size_t p, double **data,
			  size_t *n)
{
	size_t m = p + 1, k = 0;
	double *scale = calloc(m, sizeof *scale);

	*n = 0;
	for (size_t i = 0; i < n_rows; i++)
		*n += row_complete(y, x, i, p);
	*data = malloc((*n ? *n : 1) * m * sizeof **data);
	if (!*data || !scale) {
		free(scale);
		return false;
	}
	for (size_t i = 0; i < n_rows; i++) {
		double *row = *data + k * m;
		if (!row_complete(y, x, i, p))
			continue;
		memcpy(row, x + i * p, p * sizeof *row);
		row[p] = y[i];
		for (size_t j = 0; j < m; j++)
			if (fabs(row[j]) > scale[j])
				scale[j] = fabs(row[j]);
		k++;
	}
	for (size_t j = 0; j < m; j++) {
		int e = 0;
		if (scale[j] > 0.0)
			(void)frexp(scale[j], &e);
		scale[j] = ldexp(1.0, -e); /* a power of two: multiplying by it is exact */
	}
	for (size_t i = 0; i < *n; i++)
		for (size_t j = 0; j < m; j++)
			(*data)[i * m + j] *= scale[j];
	free(scale);
	return true;
}

static double checked_level(double level)
{
	return level > 0.0 && level < 1.0 ? level : DEFAULT_LEVEL;
}

/* Copies the point estimates of f into the result (intervals collapsed to
 * the estimate) with each driver's note. */
static void fill_shares(struct tp_drivers_result *res, const struct fit *f, bool has_shapley)
{
	res->r2 = f->r2;
	for (size_t j = 0; j < res->p; j++) {
		struct tp_driver_share *d = &res->drivers[j];
		d->relative_weight = d->rw_lo = d->rw_hi = f->rw[j];
		d->has_shapley = has_shapley;
		d->shapley = d->sh_lo = d->sh_hi = has_shapley ? f->sh[j] : 0.0;
		d->note = NULL;
		if (f->constant[j])
			d->note = NOTE_CONSTANT;
		else if (f->collinear[j])
			d->note = NOTE_COLLINEAR;
	}
}

/* Fits the decompositions. The options: NULL means the defaults; a negative
 * bootstrap count means none; a level outside (0, 1) (NaN included) means
 * 0.95. A row is dropped when y or any driver is NaN or infinite. p > 16
 * drivers: relative weights only, has_shapley false and a message. Errors
 * as in drivers.h, plus TP_EUSAGE for NULL pointers and TP_ENOMEM. */
enum tp_status tp_drivers_fit(const double *y, const double *x, size_t n_rows, size_t p,
			      const struct tp_drivers_options *opts, struct tp_drivers_result **out,
			      struct tp_error *err)
{
	struct tp_drivers_options defaults;
	struct tp_drivers_result *res = NULL;
	struct fitws w = {0};
	struct fit f = {0};
	struct blocks bl = {0};
	double *data = NULL;
	size_t n = 0;
	bool has_shapley = p <= TP_SHAPLEY_EXACT_MAX, use_blocks;
	enum tp_status st = TP_OK;

	if (!out || (n_rows > 0 && (!y || (p > 0 && !x))))
		return tp_error_set(err, TP_EUSAGE, "drivers: NULL argument");
	*out = NULL;
	if (p == 0)
		return tp_error_set(err, TP_EINPUT, "drivers: no drivers given");
	if (!opts) {
		tp_drivers_options_init(&defaults);
		opts = &defaults;
	}
	if (!complete_rows(y, x, n_rows, p, &data, &n))
		goto nomem;
	if (n < p + 2) {
		st = tp_error_set(err, TP_EINPUT,
				  "drivers: n smaller than the number of drivers (%zu complete "
				  "observations for %zu drivers; at least %zu needed)",
				  n, p, p + 2);
		goto out;
	}
	res = calloc(1, sizeof *res);
	if (!res)
		goto nomem;
	res->drivers = calloc(p, sizeof *res->drivers);
	if (!res->drivers)
		goto nomem;
	res->n = n;
	res->dropped = n_rows - n;
	res->p = p;
	use_blocks = opts->bootstrap > 0 && n >= BLOCK_MIN_ROWS;
	if (!fitws_init(&w, p, has_shapley) || !fit_init(&f, p))
		goto nomem;
	if (use_blocks) {
		/* The point fit from the blocks' sums: one pass over the rows. */
		double s[TP_SHAPLEY_EXACT_MAX + 1];
		if (p > TP_SHAPLEY_EXACT_MAX || !blocks_make(&bl, p + 1, data, n, opts->seed)) {
			use_blocks = false;
		} else {
			blocks_moments(&bl, &w, NULL, s);
			if (!fit_moments(&w, &f))
				goto nomem;
		}
	}
	if (!use_blocks && !fit_sample(&w, data, n, NULL, &f))
		goto nomem;
	if (f.y_constant) {
		st = tp_error_set(err, TP_EINPUT, "drivers: the outcome is constant");
		goto out;
	}
	fill_shares(res, &f, has_shapley);
	if (!has_shapley)
		snprintf(res->message, sizeof res->message,
			 "Shapley values not computed: exact values need 2^p regressions "
			 "(%zu drivers; the limit is %d)",
			 p, TP_SHAPLEY_EXACT_MAX);
	if (opts->bootstrap > 0 && (size_t)opts->bootstrap > SIZE_MAX / sizeof(double) / p)
		goto nomem;
	if (opts->bootstrap > 0 && use_blocks &&
	    !bootstrap_blocks(&bl, p, has_shapley, (size_t)opts->bootstrap, opts,
			      checked_level(opts->level), res))
		goto nomem;
	if (opts->bootstrap > 0 && !use_blocks &&
	    !bootstrap(&w, data, n, (size_t)opts->bootstrap, opts, checked_level(opts->level), res))
		goto nomem;
	*out = res;
	res = NULL;
	goto out;
nomem:
	st = tp_error_set(err, TP_ENOMEM, "drivers: out of memory");
out:
	tp_drivers_free(res);
	fit_free(&f);
	fitws_free(&w);
	blocks_free(&bl);
	free(data);
	return st;
}
