/*
 * STREAM triad (McCalpin), a[i] = b[i] + s * c[i], on native threads: the memory bandwidth multi-threaded code
 * such as llama.cpp's can draw. Compiled by the harness with the machine's C compiler into its cache directory.
 *
 * usage: stream-triad <thread counts, e.g. 2,1> <bytes per array> <repetitions>
 * prints one JSON line per thread count: {"threads":..,"array_bytes":..,"repetitions":..,"best_s":..,"gb_per_s":..}
 *
 * Counted as STREAM counts it: 24 bytes per element (two reads, one write; the write-allocate read is not counted).
 * The arrays are allocated and touched once, by the largest number of threads, each its own slice; then for each
 * thread count every repetition starts at a barrier and ends when the last thread is done. The best repetition is
 * the figure (slower ones are interference from other work on the machine).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double *a, *b, *c;
static size_t n;
static long threads; /* started */
static long active;  /* working in the current repetition */
static long counts[16];
static int ncounts;
static long repetitions;
static double scalar = 3.0;
static double starts[16][64], ends[16][64];
static pthread_barrier_t barrier;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *worker(void *arg) {
  long id = (long)arg;
  size_t lo = n * (size_t)id / (size_t)threads;
  size_t hi = n * (size_t)(id + 1) / (size_t)threads;
  for (size_t i = lo; i < hi; i++) {
    a[i] = 0.0;
    b[i] = 1.0;
    c[i] = 2.0;
  }
  for (int k = 0; k < ncounts; k++) {
    for (long r = 0; r < repetitions; r++) {
      pthread_barrier_wait(&barrier);
      if (id == 0) {
        active = counts[k];
        starts[k][r] = now();
      }
      pthread_barrier_wait(&barrier);
      if (id < active) {
        size_t from = n * (size_t)id / (size_t)active;
        size_t to = n * (size_t)(id + 1) / (size_t)active;
        for (size_t i = from; i < to; i++) a[i] = b[i] + scalar * c[i];
      }
      pthread_barrier_wait(&barrier);
      if (id == 0) ends[k][r] = now();
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <thread counts, e.g. 2,1> <bytes per array> <repetitions>\n", argv[0]);
    return 2;
  }
  threads = 0;
  for (char *p = argv[1]; *p && ncounts < 16;) {
    char *end;
    long k = strtol(p, &end, 10);
    if (end == p || k < 1) {
      fprintf(stderr, "expected thread counts >= 1 separated by commas, got %s\n", argv[1]);
      return 2;
    }
    counts[ncounts++] = k;
    if (k > threads) threads = k;
    p = *end == ',' ? end + 1 : end;
    if (*end && *end != ',') break;
  }
  double bytes = strtod(argv[2], NULL);
  repetitions = strtol(argv[3], NULL, 10);
  n = (size_t)(bytes / sizeof(double));
  if (ncounts == 0 || repetitions < 1 || repetitions > 64 || n < (size_t)threads) {
    fprintf(stderr, "expected 1 to 64 repetitions and at least one element per thread\n");
    return 2;
  }
  a = malloc(n * sizeof(double));
  b = malloc(n * sizeof(double));
  c = malloc(n * sizeof(double));
  pthread_t *ids = calloc((size_t)threads, sizeof(pthread_t));
  if (!a || !b || !c || !ids) {
    fprintf(stderr, "out of memory for 3 x %.0f bytes\n", bytes);
    return 1;
  }
  pthread_barrier_init(&barrier, NULL, (unsigned)threads);
  for (long t = 0; t < threads; t++) {
    if (pthread_create(&ids[t], NULL, worker, (void *)t) != 0) {
      fprintf(stderr, "pthread_create failed\n");
      return 1;
    }
  }
  for (long t = 0; t < threads; t++) pthread_join(ids[t], NULL);
  /* STREAM checks its results; the check also keeps the loop's output observably used. */
  double expected = 1.0 + scalar * 2.0;
  if (a[0] != expected || a[n - 1] != expected || a[n / 2] != expected) {
    fprintf(stderr, "triad produced a wrong result\n");
    return 1;
  }
  for (int k = 0; k < ncounts; k++) {
    double best = 1e30;
    for (long r = 0; r < repetitions; r++) {
      double s = ends[k][r] - starts[k][r];
      if (s < best) best = s;
    }
    if (best <= 0) best = 1e-9;
    printf("{\"threads\":%ld,\"array_bytes\":%.0f,\"repetitions\":%ld,\"best_s\":%.9f,\"gb_per_s\":%.6f}\n", counts[k],
           (double)(n * sizeof(double)), repetitions, best, 24.0 * (double)n / best / 1e9);
  }
  return 0;
}
