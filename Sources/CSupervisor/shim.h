#ifndef CSUPERVISOR_SHIM_H
#define CSUPERVISOR_SHIM_H
// The process supervisor of external trainer commands. It is C because it runs between fork and exec
// of a multithreaded program, where only async-signal-safe calls are allowed, and because prctl is
// variadic. MnemoCluster's `SupervisedCommand` is the one Swift type that calls it.
// No feature macros here (such as _GNU_SOURCE): they would change the system headers' declarations in
// this module against the same headers in Swift's other modules, which clang refuses.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/// What the supervisor reports on its report pipe, one record per event.
/// `tag` 'X': exec failed, `value` is errno; 'D': chdir to the work folder failed, `value` is errno;
/// 'F': fork failed, `value` is errno; 'T': the supervisor was asked to stop the command (SIGTERM or
/// SIGINT, from the worker or sent to every process at once by systemd, Slurm or a terminal), `value`
/// is the signal; 'W': the command ended, `value` is its wait status.
typedef struct {
    int32_t tag;
    int32_t value;
} mnemo_supervisor_report;

static inline void mnemo_supervisor_write(int fd, int32_t tag, int32_t value) {
    mnemo_supervisor_report report = {tag, value};
    ssize_t written;
    do { written = write(fd, &report, sizeof report); } while (written < 0 && errno == EINTR);
}

/// Forks a supervisor that runs `path` with `argv` and `envp` in `workdir`, in a process group of its
/// own, with stdin from /dev/null and stdout/stderr to the given descriptors. Returns the supervisor's
/// pid (or -1 with errno). The supervisor:
/// - dies with the calling thread's process (PR_SET_PDEATHSIG SIGHUP) and then kills the command's
///   whole group with SIGKILL, so a worker killed even by SIGKILL leaves no process behind;
/// - on SIGTERM sends SIGTERM to the group (a graceful stop), on SIGUSR1 sends SIGKILL to it;
/// - when the command ends, kills what is left of its group, writes a 'W' record and exits 0.
/// Between fork and exec only async-signal-safe calls are made.
static inline pid_t mnemo_supervisor_spawn(
    const char *path, char *const argv[], char *const envp[], const char *workdir,
    int stdout_fd, int stderr_fd, int report_fd)
{
    pid_t parent = getpid();
    // Signals stay blocked across fork, so the supervisor cannot die of one sent before it is ready.
    sigset_t everything, previous;
    sigfillset(&everything);
    pthread_sigmask(SIG_SETMASK, &everything, &previous);
    pid_t supervisor = fork();
    if (supervisor != 0) {
        int saved = errno;
        pthread_sigmask(SIG_SETMASK, &previous, NULL);
        errno = saved;
        return supervisor;
    }

    // The supervisor. Dispositions are inherited (a Swift service ignores SIGTERM to watch it through
    // Dispatch): ignored signals would be discarded, so every one it waits for goes back to default.
    int handled_signals[] = {SIGTERM, SIGHUP, SIGUSR1, SIGCHLD, SIGINT, SIGPIPE};
    for (unsigned i = 0; i < sizeof handled_signals / sizeof handled_signals[0]; i++) {
        signal(handled_signals[i], SIG_DFL);
    }
    sigset_t waited;
    sigemptyset(&waited);
    sigaddset(&waited, SIGTERM);
    sigaddset(&waited, SIGHUP);
    sigaddset(&waited, SIGUSR1);
    sigaddset(&waited, SIGCHLD);
    sigaddset(&waited, SIGINT);
    sigprocmask(SIG_SETMASK, &waited, NULL);
    if (prctl(PR_SET_PDEATHSIG, SIGHUP, 0, 0, 0) != 0 || getppid() != parent) _exit(111);

    // Keep only what the command needs: 0 (/dev/null), 1, 2 and the report pipe as 3 (close-on-exec).
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0 && devnull != 0) { dup2(devnull, 0); }
    if (stdout_fd >= 0 && stdout_fd != 1) dup2(stdout_fd, 1);
    if (stderr_fd >= 0 && stderr_fd != 2) dup2(stderr_fd, 2);
    if (report_fd != 3) dup2(report_fd, 3);
    fcntl(3, F_SETFD, FD_CLOEXEC);
    if (syscall(SYS_close_range, 4, ~0U, 0) != 0) {
        // Kernels before 5.9 (or a seccomp filter) refuse close_range: close one by one.
        long open_max = sysconf(_SC_OPEN_MAX);
        if (open_max < 0 || open_max > 65536) open_max = 65536;
        for (int fd = 4; fd < open_max; fd++) close(fd);
    }

    pid_t supervisor_self = getpid();
    pid_t command = fork();
    if (command == 0) {
        setpgid(0, 0);
        // Should the supervisor itself die (the out-of-memory killer), the command goes with it.
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != supervisor_self) _exit(111);
        for (unsigned i = 0; i < sizeof handled_signals / sizeof handled_signals[0]; i++) {
            signal(handled_signals[i], SIG_DFL);
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (workdir != NULL && chdir(workdir) != 0) {
            mnemo_supervisor_write(3, 'D', errno);
            _exit(127);
        }
        execve(path, argv, envp);
        mnemo_supervisor_write(3, 'X', errno);
        _exit(127);
    }
    if (command < 0) {
        mnemo_supervisor_write(3, 'F', errno);
        _exit(111);
    }
    setpgid(command, command);
    for (;;) {
        int signal_number = 0;
        if (sigwait(&waited, &signal_number) != 0) continue;
        if (signal_number == SIGCHLD) {
            int status = 0;
            if (waitpid(command, &status, WNOHANG) == command) {
                kill(-command, SIGKILL);
                if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGINT)) {
                    // A stop sent to every process (systemd, Slurm, a terminal) is not atomic: the
                    // command may die of it before the supervisor's own copy arrives. Wait a moment
                    // for that copy, so such a run counts as stopped, not failed.
                    struct timespec moment = {0, 200 * 1000 * 1000};
                    siginfo_t info;
                    int late = sigtimedwait(&waited, &info, &moment);
                    if (late == SIGTERM || late == SIGINT) mnemo_supervisor_write(3, 'T', late);
                }
                mnemo_supervisor_write(3, 'W', status);
                _exit(0);
            }
        } else if (signal_number == SIGTERM || signal_number == SIGINT) {
            mnemo_supervisor_write(3, 'T', signal_number);
            kill(-command, SIGTERM);
        } else {
            kill(-command, SIGKILL);
        }
    }
}

/// A pipe whose both ends are close-on-exec from the start (pipe2 is declared only under _GNU_SOURCE,
/// which this module does not define). Returns 0, or -1 with errno.
static inline int mnemo_pipe_cloexec(int fds[2]) {
    return (int)syscall(SYS_pipe2, fds, O_CLOEXEC);
}

/// WIFEXITED and friends are macros; these make them callable from Swift.
static inline int mnemo_wait_exited(int status) { return WIFEXITED(status); }
static inline int mnemo_wait_exit_code(int status) { return WEXITSTATUS(status); }
static inline int mnemo_wait_signaled(int status) { return WIFSIGNALED(status); }
static inline int mnemo_wait_signal(int status) { return WTERMSIG(status); }
#endif
