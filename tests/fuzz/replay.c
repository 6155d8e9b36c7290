/*
 * Replays inputs through a fuzz target's entry point in an ordinary build:
 *   replay_<target> FILE|DIR...
 * Every regular file named (and every file in a directory named, in name
 * order) is read whole and passed to LLVMFuzzerTestOneInput once.  A crash
 * or a failed invariant aborts, so ctest fails and names the input last
 * printed with -v.  Exit 0 when every input ran, 2 on a usage error or an
 * unreadable input.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int verbose;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, n = 0;
	unsigned char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	if (verbose)
		fprintf(stderr, "replay %s (%zu bytes)\n", path, n);
	/* An exact-size copy, so that ASan catches a read past the end. */
	unsigned char *exact = malloc(n ? n : 1);
	if (exact) {
		memcpy(exact, buf, n);
		LLVMFuzzerTestOneInput(exact, n);
	}
	free(exact);
	free(buf);
	return exact ? 0 : -1;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	int n = 0, bad = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = 1;
			continue;
		}
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += run_file(argv[i]) != 0;
			n++;
			continue;
		}
		struct dirent **ents;
		int ne = scandir(argv[i], &ents, NULL, by_name);
		if (ne < 0) {
			perror(argv[i]);
			bad++;
			continue;
		}
		for (int k = 0; k < ne; k++) {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", argv[i], ents[k]->d_name);
			if (ents[k]->d_name[0] != '.' && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				bad += run_file(p) != 0;
				n++;
			}
			free(ents[k]);
		}
		free(ents);
	}
	printf("replayed %d input%s%s\n", n, n == 1 ? "" : "s", bad ? " (some unreadable)" : "");
	return bad ? 2 : 0;
}
