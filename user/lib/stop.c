#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "stop.h"
#include "log.h"

/* SIGPIPE is here so that a closed stdout (`ringscope demo | head -1`) ends
 * the run through the same cleanup: the write that fails raises it on the
 * writing thread, blocked, and the reporting thread takes it below. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE };

static int stopped_by;		/* signal that ended the run, 0 if none */
static bool cut_short;		/* ... and the run had its own end */

static sigset_t stop_set(void)
{
	sigset_t set;

	sigemptyset(&set);
	for (unsigned int i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&set, stop_signals[i]);
	return set;
}

void stop_block_signals(void)
{
	sigset_t set = stop_set();

	/* A shell starts background jobs with SIGINT ignored, and an ignored
	 * signal is discarded rather than left pending for sigtimedwait(). */
	for (unsigned int i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		signal(stop_signals[i], SIG_DFL);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

void stop_unblock_signals(void)
{
	sigset_t set = stop_set();

	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

int stop_wait(uint64_t wait_ns, bool bounded)
{
	sigset_t set = stop_set();
	struct timespec ts = { wait_ns / 1000000000ull, wait_ns % 1000000000ull };
	siginfo_t si;

	if (sigtimedwait(&set, &si, &ts) <= 0)
		return 0;
	if (!stopped_by) {
		stopped_by = si.si_signo;
		cut_short = bounded;
		/* No notice into a closed pipe's other half: stderr may be it too. */
		if (si.si_signo != SIGPIPE)
			rs_note("stopping on signal %d (SIG%s)", si.si_signo, sigabbrev_np(si.si_signo));
	}
	return si.si_signo;
}

bool stop_interrupted(void)
{
	return stopped_by != 0;
}

bool stop_pipe_closed(void)
{
	sigset_t pending;

	return stopped_by == SIGPIPE || (!sigpending(&pending) && sigismember(&pending, SIGPIPE) == 1);
}

int stop_exit_status(void)
{
	return stopped_by && cut_short ? 128 + stopped_by : 0;
}
