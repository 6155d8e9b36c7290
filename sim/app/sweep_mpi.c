/*
 * Sweeps across MPI ranks: the only file that sees MPI.  When CMake finds
 * MPI it is built on its own as the module dcisim-mpi.so (DCISIM_HAVE_MPI:
 * the first half; the program loads it through mpi_dl.c only when a command
 * is started by an MPI launcher); otherwise it is built into the program,
 * and the second half says plainly that this build cannot share runs across
 * ranks.
 *
 * Protocol (dynamic scheduling, so a slow run does not hold up a rank):
 * every rank but 0 sends rank 0 a RESULT message (the run index it
 * finished, -1 at first, then the packed outcome) and receives a WORK
 * message (the next run index, or -1: stop).  Rank 0's main thread answers
 * them while its own worker threads (--jobs, default 1) take runs from the
 * same queue; only the main thread calls MPI (MPI_THREAD_FUNNELED).  Rank 0
 * stores every outcome at its run index and writes the same sweep.csv as a
 * single process would.  Every rank loads and validates the sweep itself
 * (the files are on a shared filesystem); only rank 0 prints the errors.
 */
#include "sweep.h"
#include "dcisim/exitcode.h"
#include "mpi_module.h"

#include <stdlib.h>
#include <string.h>

#if DCISIM_HAVE_MPI

#include <mpi.h>

enum { TAG_RESULT = 1, TAG_WORK = 2 };

static void put_i64(unsigned char *b, int64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((uint64_t)v >> (8 * i));
}

static int64_t get_i64(const unsigned char *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return (int64_t)v;
}

/* A rank other than 0: ask, run, report, until told to stop. */
static int serve_rank0(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o)
{
	struct dcs_sweep_run r = {0};
	int64_t idx = -1;
	int code = DCS_EXIT_OK;
	for (;;) {
		size_t plen = 0;
		char *packed = idx >= 0 ? dcs_sweep_run_pack(&r, &plen) : NULL;
		if (idx >= 0 && !packed) {
			/* Out of memory: report the run as failed, with nothing. */
			dcs_sweep_run_clear(&r);
			r.done = true;
			r.code = DCS_EXIT_RUNTIME;
			packed = dcs_sweep_run_pack(&r, &plen);
		}
		unsigned char *msg = malloc(8 + plen);
		if (!msg) {
			free(packed);
			code = DCS_EXIT_RUNTIME;
			break;
		}
		put_i64(msg, packed ? idx : -1);
		if (packed)
			memcpy(msg + 8, packed, plen);
		free(packed);
		MPI_Send(msg, (int)(8 + plen), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
		free(msg);
		int64_t next;
		MPI_Recv(&next, 1, MPI_INT64_T, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		if (next < 0 || (size_t)next >= dcs_sweep_n_runs(sw))
			break;
		idx = next;
		dcs_sweep_run_one(sw, (size_t)idx, o, &r);
	}
	dcs_sweep_run_clear(&r);
	return code;
}

/* Rank 0's side of sharing the runs of sw: the cache first (then a job's
 * announcement, when there is a job), then runs handed out to the other
 * ranks as they ask and to this rank's `jobs` threads, until every rank has
 * been told to stop.  Returns 0, or 2 when the cache refused (it holds runs
 * and neither --resume nor --force was given; the other ranks are still
 * answered, with "stop"). */
static int share_runs(const struct dcs_sweep_job *job, const struct dcs_sweep *sw,
		      const struct dcs_sweep_opts *o, struct dcs_sweep_run *runs, int size,
		      unsigned jobs, size_t *stale)
{
	size_t total = dcs_sweep_n_runs(sw);
	struct dcs_sweep_progress prog;
	dcs_sweep_progress_init(&prog, o->progress, total);
	/* Cached runs are filled in before anything is handed out. */
	long cached = dcs_sweep_cache_prepare(sw, o, runs, stale, stderr);
	bool refused = cached < 0;
	if (!refused && job && job->announce)
		job->announce(job->ctx, sw, o, cached, stderr);
	struct dcs_sweep_pool *P = refused ? NULL : dcs_sweep_pool_start(sw, o, runs, jobs);
	if (!P && !refused) {
		fprintf(stderr, "dcisim: error: out of memory\n");
		MPI_Abort(MPI_COMM_WORLD, 3);
		return DCS_EXIT_RUNTIME;
	}
	int active = size - 1;
	size_t finished = 0;
	while (active > 0) {
		int flag = 0;
		MPI_Status st;
		MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
		if (!flag) {
			/* Sleep on the pool rather than spin: the cores are for runs. */
			if (P) {
				finished = dcs_sweep_pool_wait(P, 0.002);
				dcs_sweep_progress_show(&prog, finished, false);
			}
			continue;
		}
		int n = 0;
		MPI_Get_count(&st, MPI_BYTE, &n);
		unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
		if (!buf) {
			fprintf(stderr, "dcisim: error: out of memory\n");
			MPI_Abort(MPI_COMM_WORLD, 3);
			return DCS_EXIT_RUNTIME;
		}
		MPI_Recv(buf, n, MPI_BYTE, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
			 MPI_STATUS_IGNORE);
		int64_t idx = n >= 8 ? get_i64(buf) : -1;
		if (P && idx >= 0 && (size_t)idx < total) {
			if (dcs_sweep_run_unpack((const char *)buf + 8, (size_t)n - 8,
						 &runs[idx]) != 0) {
				fprintf(
				    stderr,
				    "dcisim: error: a garbled result for run %lld from rank %d\n",
				    (long long)idx, st.MPI_SOURCE);
				runs[idx] =
				    (struct dcs_sweep_run){.done = true, .code = DCS_EXIT_RUNTIME};
			}
			/* The rank wrote the run's own files before it answered. */
			dcs_sweep_cache_store(sw, o, (size_t)idx, &runs[idx], stderr);
			dcs_sweep_pool_done(P);
		}
		free(buf);
		int64_t next = P ? dcs_sweep_pool_take(P) : -1;
		MPI_Send(&next, 1, MPI_INT64_T, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
		if (next < 0)
			active--;
	}
	if (refused)
		return DCS_EXIT_USAGE;
	while (!dcs_sweep_pool_idle(P))
		dcs_sweep_progress_show(&prog, dcs_sweep_pool_wait(P, 0.2), false);
	dcs_sweep_progress_show(&prog, dcs_sweep_pool_join(P), true);
	return 0;
}

/* Rank 0: hand out runs to the other ranks and run some here, then finish
 * the job. */
static int coordinate(const struct dcs_sweep_job *job, const struct dcs_sweep *sw,
		      const struct dcs_sweep_opts *o, int size, bool threads_ok)
{
	size_t total = dcs_sweep_n_runs(sw);
	struct dcs_sweep_run *runs = calloc(total, sizeof(*runs));
	if (!runs) {
		fprintf(stderr, "dcisim %s: error: out of memory\n", job->command);
		MPI_Abort(MPI_COMM_WORLD, 3);
		return DCS_EXIT_RUNTIME;
	}
	double t0 = dcs_sweep_wall_now();
	unsigned jobs = threads_ok ? (o->jobs ? o->jobs : 1) : 0;
	size_t stale = 0;
	if (share_runs(job, sw, o, runs, size, jobs, &stale) != 0) {
		free(runs);
		return DCS_EXIT_USAGE;
	}
	struct dcs_sweep_info info = {
	    .wall_s = dcs_sweep_wall_now() - t0,
	    .jobs = jobs,
	    .ranks = size,
	    .stale = stale,
	};
	int code = job->finish(job->ctx, sw, runs, o, &info, dcs_sweep_interrupt_code(), stderr);
	for (size_t i = 0; i < total; i++)
		dcs_sweep_run_clear(&runs[i]);
	free(runs);
	return code;
}

static int mpi_begin(int *rank, int *size)
{
	int provided = MPI_THREAD_SINGLE;
	if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
		fprintf(stderr, "dcisim: error: MPI_Init failed\n");
		return DCS_EXIT_RUNTIME;
	}
	MPI_Comm_rank(MPI_COMM_WORLD, rank);
	MPI_Comm_size(MPI_COMM_WORLD, size);
	return 0;
}

static void mpi_end(void)
{
	MPI_Finalize();
}

static bool mpi_all(bool ok)
{
	int mine = ok ? 1 : 0, all = 0;
	MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	return all != 0;
}

/* Rank 0 sends every run's outcome to every rank, with the code. */
static int share_outcomes(const struct dcs_sweep *sw, struct dcs_sweep_run *runs, int rank,
			  int code)
{
	size_t total = dcs_sweep_n_runs(sw);
	struct {
		char *buf;
		size_t len;
	} all = {0};
	bool oom = false;
	if (rank == 0) {
		for (size_t i = 0; i < total && !oom; i++) {
			size_t plen = 0;
			char *p = dcs_sweep_run_pack(&runs[i], &plen);
			char *nb = p ? realloc(all.buf, all.len + 8 + plen) : NULL;
			if (!nb) {
				oom = true;
			} else {
				all.buf = nb;
				put_i64((unsigned char *)all.buf + all.len, (int64_t)plen);
				memcpy(all.buf + all.len + 8, p, plen);
				all.len += 8 + plen;
			}
			free(p);
		}
	}
	int64_t head[2] = {oom ? -1 : (int64_t)all.len, code};
	MPI_Bcast(head, 2, MPI_INT64_T, 0, MPI_COMM_WORLD);
	if (head[0] < 0 || head[0] > INT32_MAX) {
		free(all.buf);
		if (rank == 0)
			fprintf(stderr,
				"dcisim: error: out of memory sharing the runs' outcomes\n");
		return DCS_EXIT_RUNTIME;
	}
	if (rank != 0 && !(all.buf = malloc((size_t)head[0] + 1)))
		MPI_Abort(MPI_COMM_WORLD, 3);
	MPI_Bcast(all.buf, (int)head[0], MPI_BYTE, 0, MPI_COMM_WORLD);
	int rc = (int)head[1];
	if (rank != 0) {
		const char *p = all.buf, *end = all.buf + head[0];
		for (size_t i = 0; i < total; i++) {
			int64_t n = end - p >= 8 ? get_i64((const unsigned char *)p) : -1;
			if (n < 0 || n > end - p - 8 ||
			    dcs_sweep_run_unpack(p + 8, (size_t)n, &runs[i]) != 0) {
				rc = DCS_EXIT_RUNTIME;
				break;
			}
			p += 8 + n;
		}
	}
	free(all.buf);
	return rc;
}

static int mpi_runs(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
		    struct dcs_sweep_run *runs)
{
	int rank = 0, size = 1, provided = MPI_THREAD_SINGLE;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	MPI_Query_thread(&provided);
	int code;
	if (rank == 0) {
		size_t stale = 0;
		unsigned jobs = provided >= MPI_THREAD_FUNNELED ? (o->jobs ? o->jobs : 1) : 0;
		code = share_runs(NULL, sw, o, runs, size, jobs, &stale);
		if (!code)
			code = dcs_sweep_interrupt_code();
	} else {
		struct dcs_sweep_opts ro = *o;
		ro.progress = false;
		code = serve_rank0(sw, &ro);
	}
	return share_outcomes(sw, runs, rank, code);
}

static int mpi_run(const struct dcs_sweep_job *job, const struct dcs_sweep_opts *o)
{
	int rank = 0, size = 1, provided = MPI_THREAD_SINGLE;
	if (mpi_begin(&rank, &size) != 0)
		return DCS_EXIT_RUNTIME;
	MPI_Query_thread(&provided);
	FILE *quiet = rank == 0 ? NULL : fopen("/dev/null", "w");
	FILE *err = rank == 0 || !quiet ? stderr : quiet;
	int nerr = 0;
	struct dcs_sweep_opts ro = *o;
	if (rank != 0)
		ro.progress = false;
	struct dcs_sweep *sw = job->load(job->ctx, &ro, err, &nerr);
	/* Every rank read the same files; agree anyway, and on the run count. */
	long long mine[2] = {sw ? 0 : 1, sw ? (long long)dcs_sweep_n_runs(sw) : 0};
	long long all[2];
	MPI_Allreduce(mine, all, 2, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
	long long minruns = sw ? (long long)dcs_sweep_n_runs(sw) : 0, minall;
	MPI_Allreduce(&minruns, &minall, 1, MPI_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
	int code;
	if (all[0] && dcs_sweep_interrupt_code()) {
		code = dcs_sweep_interrupt_code(); /* a load that runs was stopped */
	} else if (all[0]) {
		if (rank == 0)
			fprintf(stderr, "dcisim %s: %d error%s; nothing run\n", job->command, nerr,
				nerr == 1 ? "" : "s");
		code = DCS_EXIT_USAGE;
	} else if (all[1] != minall) {
		if (rank == 0)
			fprintf(stderr,
				"dcisim %s: error: the ranks read different sweeps "
				"(are the files on a shared filesystem?)\n",
				job->command);
		code = DCS_EXIT_USAGE;
	} else if (rank == 0) {
		char defdir[512];
		if (!ro.out_dir) {
			snprintf(defdir, sizeof(defdir), "results/%s", sw->name);
			ro.out_dir = defdir;
		}
		code = coordinate(job, sw, &ro, size, provided >= MPI_THREAD_FUNNELED);
	} else {
		code = serve_rank0(sw, &ro);
	}
	dcs_sweep_free(sw);
	if (quiet)
		fclose(quiet);
	mpi_end();
	return code;
}

/* What the program looks up when it loads the module (mpi_dl.c). */
extern const struct dcs_mpi_module dcs_mpi_module;
const struct dcs_mpi_module dcs_mpi_module = {
    .run = mpi_run, .begin = mpi_begin, .end = mpi_end, .all = mpi_all, .runs = mpi_runs};

#else /* !DCISIM_HAVE_MPI */

int dcs_sweep_mpi_run(const struct dcs_sweep_job *job, const struct dcs_sweep_opts *o)
{
	(void)o;
	fprintf(stderr,
		"dcisim %s: error: started by an MPI launcher with several ranks, but this "
		"dcisim was built without MPI, so every rank would do all the runs; run it "
		"without mpirun (--jobs N uses the cores of one machine), or rebuild with Open MPI "
		"installed (apt-get install libopenmpi-dev openmpi-bin)\n",
		job->command);
	return DCS_EXIT_USAGE;
}

int dcs_sweep_mpi_begin(int *rank, int *size)
{
	*rank = 0;
	*size = 1;
	fprintf(stderr,
		"dcisim: error: started by an MPI launcher with several ranks, but this "
		"dcisim was built without MPI; run it without mpirun (--jobs N uses the cores "
		"of one machine), or rebuild with Open MPI installed (apt-get install "
		"libopenmpi-dev openmpi-bin)\n");
	return DCS_EXIT_USAGE;
}

void dcs_sweep_mpi_end(void)
{
}

bool dcs_sweep_mpi_all(bool ok)
{
	return ok;
}

int dcs_sweep_mpi_runs(const struct dcs_sweep *sw, const struct dcs_sweep_opts *o,
		       struct dcs_sweep_run *runs)
{
	return dcs_sweep_run_local(sw, o, runs);
}

#endif
