/*
 * guest-os: sh, a small shell. `sh` reads commands from the console (the
 * prompt "$ " on stderr when stdin is a terminal), `sh FILE` runs a script
 * (no prompt, nothing echoed). A line is lexed and parsed whole (so a
 * syntax error runs nothing), then its pipelines run in order.
 *   words        separated by blanks; '...' is literal, "..." keeps blanks
 *                and expands $?; \c quotes one character; # starts a comment
 *   a | b | c    a pipeline: each stage a child (fork, pipe, dup2, execv;
 *                the kernel looks a bare name up as /bin/NAME)
 *   < f  > f  >> f  2> f  2>&1   redirections, applied in the child
 *   a ; b        sequence;  a &  runs in the background: "[pid]" is printed
 *   $?  $!       the status of the last pipeline (128+N if killed by
 *                signal N); the pid of the last background job
 *   exit [N]     builtin: leave with N (default: the last status)
 *   wait [PID]   builtin: wait for the background jobs, "[pid] done" each;
 *                with PID, for that job only, and $? becomes its status
 * Finished background jobs are reported ("[pid] done") before the next
 * prompt when interactive; a script reports them at `wait`, so its output
 * does not depend on timing. Unknown command: "sh: NAME: not found",
 * status 127; a syntax error: status 2. End of input (Ctrl-D) exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX_LEN 1024
#define MAX_TOKENS   128
#define MAX_ARGS     16
#define MAX_STAGES   8
#define MAX_JOBS     16
#define STATUS_MARK  '\001'         /* "$?" inside a lexed word */
#define JOB_MARK     '\002'         /* "$!" inside a lexed word */

enum token_type { T_WORD, T_PIPE, T_SEMI, T_AMP, T_IN, T_OUT, T_APPEND, T_ERR, T_ERR_TO_OUT, T_END };
struct token { enum token_type type; char *text; };

struct command {
    char *argv[MAX_ARGS + 1];
    int argc;
    char *in, *out, *err;           /* redirection targets, or NULL */
    int append, err_to_out;
};
struct pipeline { struct command cmds[MAX_STAGES]; int n, background; };
struct job { int pids[MAX_STAGES]; int n, left, status; };   /* status: the last stage's */

static int last_status;
static int last_job_pid;
static int interactive;
static int script_fd = -1;          /* the script being read, closed in children */
static struct job jobs[MAX_JOBS];

/* printf to a descriptor, unbuffered (nothing is left to be copied by fork). */
static void say(int fd, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        write(fd, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* ---- lexing: a line into tokens; word text is written into `store` ---- */

/* Blanks separate words; the special characters are operators. */
static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static int is_special(char c) { return c == '|' || c == ';' || c == '&' || c == '<' || c == '>'; }

/* One word starting at *sp into *out (advanced); 0, or -1 on an
 * unterminated quote. Quotes are removed, $? becomes STATUS_MARK and $!
 * JOB_MARK. */
static int lex_word(const char **sp, char **out)
{
    const char *s = *sp;
    char *o = *out;
    while (*s && !is_blank(*s) && !is_special(*s)) {
        if (*s == '\'') {
            const char *end = strchr(s + 1, '\'');
            if (!end)
                return -1;
            memcpy(o, s + 1, (size_t)(end - s - 1));
            o += end - s - 1;
            s = end + 1;
        } else if (*s == '"') {
            for (s++; *s != '"'; s++) {
                if (!*s)
                    return -1;
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\' || s[1] == '$'))
                    *o++ = *++s;
                else if (*s == '$' && (s[1] == '?' || s[1] == '!'))
                    *o++ = *++s == '?' ? STATUS_MARK : JOB_MARK;
                else
                    *o++ = *s;
            }
            s++;
        } else if (*s == '\\' && s[1]) {
            *o++ = s[1];
            s += 2;
        } else if (*s == '$' && (s[1] == '?' || s[1] == '!')) {
            *o++ = s[1] == '?' ? STATUS_MARK : JOB_MARK;
            s += 2;
        } else {
            *o++ = *s++;
        }
    }
    *o++ = 0;
    *sp = s;
    *out = o;
    return 0;
}

/* The tokens of `line` (ending with T_END); their count, or -1 after
 * reporting a syntax error. */
static int lex(const char *s, struct token *toks, char *store)
{
    int n = 0;
    for (;;) {
        while (is_blank(*s))
            s++;
        if (n == MAX_TOKENS - 1) {
            say(2, "sh: line too long\n");
            return -1;
        }
        struct token *t = &toks[n++];
        t->text = NULL;
        if (!*s || *s == '#') {
            t->type = T_END;
            return n;
        }
        if (s[0] == '2' && s[1] == '>' && s[2] == '&' && s[3] == '1') {
            t->type = T_ERR_TO_OUT, s += 4;
        } else if (s[0] == '2' && s[1] == '>') {
            t->type = T_ERR, s += 2;
        } else if (s[0] == '>' && s[1] == '>') {
            t->type = T_APPEND, s += 2;
        } else if (is_special(*s)) {
            t->type = *s == '|' ? T_PIPE : *s == ';' ? T_SEMI : *s == '&' ? T_AMP : *s == '<' ? T_IN : T_OUT;
            s++;
        } else {
            t->type = T_WORD;
            t->text = store;
            if (lex_word(&s, &store) < 0) {
                say(2, "sh: syntax error: unterminated quote\n");
                return -1;
            }
        }
    }
}

/* ---- parsing: tokens into pipelines ---- */

/* How a token is shown in a syntax error. */
static const char *token_name(const struct token *t)
{
    static const char *const names[] = { "word", "|", ";", "&", "<", ">", ">>", "2>", "2>&1", "end of line" };
    return names[t->type];
}

static int syntax_error(const struct token *t)
{
    say(2, "sh: syntax error near '%s'\n", token_name(t));
    return -1;
}

/* One command from *tp (advanced past it); 0, or -1 on a syntax error. */
static int parse_command(struct token **tp, struct command *c)
{
    struct token *t = *tp;
    memset(c, 0, sizeof(*c));
    for (;; t++) {
        if (t->type == T_WORD) {
            if (c->argc == MAX_ARGS) {
                say(2, "sh: too many arguments\n");
                return -1;
            }
            c->argv[c->argc++] = t->text;
        } else if (t->type == T_IN || t->type == T_OUT || t->type == T_APPEND || t->type == T_ERR) {
            if (t[1].type != T_WORD)
                return syntax_error(&t[1]);
            char *file = t[1].text;
            if (t->type == T_IN)
                c->in = file;
            else if (t->type == T_ERR)
                c->err = file, c->err_to_out = 0;
            else
                c->out = file, c->append = t->type == T_APPEND;
            t++;
        } else if (t->type == T_ERR_TO_OUT) {
            c->err_to_out = 1, c->err = NULL;
        } else {
            break;
        }
    }
    if (c->argc == 0)
        return syntax_error(t);
    *tp = t;
    return 0;
}

/* The line's pipelines, at most `max`; their count, or -1 on a syntax error. */
static int parse_line(struct token *t, struct pipeline *pl, int max)
{
    int n = 0;
    while (t->type != T_END) {
        if (n == max) {
            say(2, "sh: too many commands on one line\n");
            return -1;
        }
        struct pipeline *p = &pl[n++];
        p->n = p->background = 0;
        for (;;) {
            if (p->n == MAX_STAGES) {
                say(2, "sh: pipeline too long\n");
                return -1;
            }
            if (parse_command(&t, &p->cmds[p->n++]) < 0)
                return -1;
            if (t->type != T_PIPE)
                break;
            t++;
        }
        if (t->type == T_AMP || t->type == T_SEMI) {
            p->background = t->type == T_AMP;
            t++;
        } else if (t->type != T_END) {
            return syntax_error(t);
        }
    }
    return n;
}

/* ---- running ---- */

/* A word with each STATUS_MARK replaced by the last status and JOB_MARK
 * by the last background pid, into a fresh buffer (only ever called in a
 * child or for a builtin, so it is never freed). */
static char *expand(const char *word)
{
    if (!strchr(word, STATUS_MARK) && !strchr(word, JOB_MARK))
        return (char *)word;
    char status[12], job[12];
    snprintf(status, sizeof(status), "%d", last_status);
    snprintf(job, sizeof(job), "%d", last_job_pid);
    char *out = malloc(strlen(word) * sizeof(status) + 1), *o = out;
    if (!out)
        return (char *)word;
    for (; *word; word++) {
        if (*word == STATUS_MARK)
            o = stpcpy(o, status);
        else if (*word == JOB_MARK)
            o = stpcpy(o, job);
        else
            *o++ = *word;
    }
    *o = 0;
    return out;
}

/* Open `path` onto descriptor `fd`; 0, or -1 after reporting why. */
static int redirect(const char *path, int fd, int flags)
{
    int f = open(path, flags, 0644);
    if (f < 0) {
        say(2, "sh: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (f != fd) {
        dup2(f, fd);
        close(f);
    }
    return 0;
}

/* In the child: the command's redirections, then exec. Never returns. */
static void exec_command(struct command *c)
{
    int wflags = O_WRONLY | O_CREAT | (c->append ? O_APPEND : O_TRUNC);
    if ((c->in && redirect(expand(c->in), 0, O_RDONLY) < 0) ||
        (c->out && redirect(expand(c->out), 1, wflags) < 0) ||
        (c->err && redirect(expand(c->err), 2, O_WRONLY | O_CREAT | O_TRUNC) < 0))
        _exit(1);
    if (c->err_to_out)
        dup2(1, 2);
    for (int i = 0; i < c->argc; i++)
        c->argv[i] = expand(c->argv[i]);
    c->argv[c->argc] = NULL;
    execv(c->argv[0], c->argv);
    if (errno == ENOENT) {
        say(2, "sh: %s: not found\n", c->argv[0]);
        _exit(127);
    }
    say(2, "sh: %s: %s\n", c->argv[0], strerror(errno));
    _exit(126);
}

/* The shell's status for a wait status: the exit code, or 128 + signal. */
static int status_of(int wstatus)
{
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return WEXITSTATUS(wstatus);
}

/* Record a background job and print "[pid]" (its last stage's pid). */
static void add_job(const int *pids, int n)
{
    for (struct job *j = jobs; j < jobs + MAX_JOBS; j++) {
        if (j->left == 0) {
            memcpy(j->pids, pids, (size_t)n * sizeof(int));
            j->n = j->left = n;
            last_job_pid = pids[n - 1];
            say(1, "[%d]\n", pids[n - 1]);
            return;
        }
    }
    say(2, "sh: too many background jobs; waiting for this one\n");
    for (int i = 0; i < n; i++)
        waitpid(pids[i], NULL, 0);
}

/* Reap what has finished of job j (waitpid with `options`: 0 or
 * WNOHANG); print "[pid] done" when nothing of it is left. */
static void reap_job(struct job *j, int options)
{
    for (int i = 0; i < j->n; i++) {
        if (j->pids[i] <= 0)
            continue;
        int wstatus = 0, rc = waitpid(j->pids[i], &wstatus, options);
        if (rc == j->pids[i] || (rc < 0 && errno == ECHILD)) {
            j->pids[i] = -j->pids[i];       /* reaped (kept for the message) */
            j->left--;
            if (i == j->n - 1)
                j->status = rc < 0 ? 127 : status_of(wstatus);
        }
    }
    if (j->left == 0)
        say(1, "[%d] done\n", -j->pids[j->n - 1]);
}

/* Every job, with `options` (0: wait for all; WNOHANG: the finished ones). */
static void reap_jobs(int options)
{
    for (struct job *j = jobs; j < jobs + MAX_JOBS; j++)
        if (j->left > 0)
            reap_job(j, options);
}

/* wait PID: wait for the job PID belongs to; its status, or 127 if PID
 * is no running job of this shell. */
static int wait_for(const char *arg)
{
    int pid = atoi(arg);
    for (struct job *j = jobs; j < jobs + MAX_JOBS; j++) {
        for (int i = 0; j->left > 0 && i < j->n; i++) {
            if (j->pids[i] == pid) {
                while (j->left > 0)
                    reap_job(j, 0);
                return j->status;
            }
        }
    }
    say(2, "sh: wait: %s: no such job\n", arg);
    return 127;
}

/* The builtins exit and wait: 1 if c was one (run here), else 0. */
static int builtin(struct command *c)
{
    if (!strcmp(c->argv[0], "exit")) {
        int status = last_status;
        if (c->argc > 1) {
            char *arg = expand(c->argv[1]), *end;
            status = (int)strtol(arg, &end, 10);
            if (!*arg || *end) {
                say(2, "sh: exit: %s: numeric argument required\n", arg);
                status = 2;
            }
        }
        exit(status & 0xff);
    }
    if (!strcmp(c->argv[0], "wait")) {
        last_status = c->argc > 1 ? wait_for(expand(c->argv[1])) : (reap_jobs(0), 0);
        return 1;
    }
    return 0;
}

/* Run one pipeline: each stage forked with pipes between; wait for the
 * stages unless it is in the background. Sets last_status. */
static void run_pipeline(struct pipeline *p)
{
    if (p->n == 1 && !p->background && builtin(&p->cmds[0]))
        return;
    int pids[MAX_STAGES], started = 0, prev_read = -1;
    for (int i = 0; i < p->n; i++) {
        int fds[2] = { -1, -1 };
        if (i < p->n - 1 && pipe(fds) < 0) {
            say(2, "sh: pipe: %s\n", strerror(errno));
            break;
        }
        int pid = fork();
        if (pid == 0) {
            if (script_fd >= 0)
                close(script_fd);
            if (prev_read >= 0) {
                dup2(prev_read, 0);
                close(prev_read);
            }
            if (fds[1] >= 0) {
                dup2(fds[1], 1);
                close(fds[0]);
                close(fds[1]);
            }
            exec_command(&p->cmds[i]);
        }
        if (prev_read >= 0)
            close(prev_read);
        if (fds[1] >= 0)
            close(fds[1]);
        prev_read = fds[0];
        if (pid < 0) {
            say(2, "sh: fork: %s\n", strerror(errno));
            break;
        }
        pids[started++] = pid;
    }
    if (prev_read >= 0)
        close(prev_read);
    if (started < p->n)
        last_status = 1;
    if (p->background && started) {
        add_job(pids, started);
        last_status = 0;
        return;
    }
    for (int i = 0; i < started; i++) {
        int wstatus = 0;
        while (waitpid(pids[i], &wstatus, 0) < 0 && errno == EINTR)
            ;
        if (i == p->n - 1)
            last_status = status_of(wstatus);
    }
}

/* Lex, parse and run one line. */
static void run_line(const char *line)
{
    static struct token toks[MAX_TOKENS];
    static char store[2 * LINE_MAX_LEN];
    static struct pipeline pl[MAX_TOKENS / 2];
    int n = lex(line, toks, store);
    if (n > 0)
        n = parse_line(toks, pl, MAX_TOKENS / 2);
    if (n < 0) {
        last_status = 2;
        return;
    }
    for (int i = 0; i < n; i++)
        run_pipeline(&pl[i]);
}

/* The next line from fd into buf (without its newline): its length, or
 * -1 at the end of input. A script file is read a block at a time; stdin
 * that is not a terminal a byte at a time, so commands reading the same
 * stdin get what follows the line. */
static int read_line(int fd, char *buf, int max)
{
    static char block[512];
    static int pos, len;
    int n = 0, bytewise = fd == 0 && !interactive;
    for (;;) {
        if (pos == len) {
            int got = read(fd, block, bytewise ? 1 : sizeof(block));
            if (got <= 0)
                return n ? n : -1;
            pos = 0;
            len = got;
        }
        char c = block[pos++];
        if (c == '\n')
            break;
        if (n < max - 1)
            buf[n++] = c;
    }
    buf[n] = 0;
    return n;
}

/* Read lines from the script (argv[1]) or stdin and run them; the status
 * is that of the last pipeline, or exit's. */
int main(int argc, char **argv)
{
    int fd = 0;
    if (argc > 1) {
        fd = script_fd = open(argv[1], O_RDONLY);
        if (fd < 0) {
            say(2, "sh: %s: %s\n", argv[1], strerror(errno));
            return 127;
        }
    } else {
        interactive = isatty(0);
    }
    char line[LINE_MAX_LEN];
    for (;;) {
        if (interactive) {
            reap_jobs(WNOHANG);
            say(2, "$ ");
        }
        if (read_line(fd, line, sizeof(line)) < 0)
            break;
        run_line(line);
    }
    return last_status;
}
