// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host unit test of libarm64cpumodel, built with -fsanitize=thread by
 * tests/cpumodel/run.sh: the library's answers that a VMM may ask for from
 * several threads at once, first calls of the process included, must come
 * from no lazily filled global state.  ThreadSanitizer reports a data race
 * (exit status 66); the program itself checks that every thread got the
 * same answers.  "--print": the fleet masks, one register a line.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cpumodel.h"

#define NTHREADS 4

static pthread_barrier_t go;
static uint64_t got[NTHREADS][CM_NR_SLOTS];

static void *worker(void *arg)
{
	uint64_t *out = arg;
	int s;

	pthread_barrier_wait(&go);
	for (s = 0; s < CM_NR_SLOTS; s++)
		out[s] = cm_fleet_mask(s);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS];
	int i, s, nregs = 0;

	pthread_barrier_init(&go, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++) {
		if (pthread_create(&t[i], NULL, worker, got[i])) {
			perror("pthread_create");
			return 2;
		}
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	/* Single-threaded from here on. */
	for (s = 0; s < CM_NR_SLOTS; s++) {
		for (i = 1; i < NTHREADS; i++) {
			if (got[i][s] != got[0][s]) {
				printf("cm_fleet_mask(%s): thread 0 got 0x%016llx, thread %d 0x%016llx\n",
				       cm_slot_name(s), (unsigned long long)got[0][s], i,
				       (unsigned long long)got[i][s]);
				return 1;
			}
		}
		if (got[0][s]) {
			nregs++;
			if (argc > 1 && !strcmp(argv[1], "--print"))
				printf("%s 0x%016llx\n", cm_slot_name(s), (unsigned long long)got[0][s]);
		}
	}
	if (!nregs) {
		printf("cm_fleet_mask(): no register has a fleet field\n");
		return 1;
	}
	printf("cm_fleet_mask(): the same %d registers with fleet fields in %d threads\n", nregs,
	       NTHREADS);
	return 0;
}
