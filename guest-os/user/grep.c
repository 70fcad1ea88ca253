/*
 * guest-os: grep [-v] [-c] [-w] TEXT [FILE...]: the lines of the files
 * (stdin if none) that contain TEXT (a plain string, no patterns); -v:
 * those that do not; -c: only their count; -w: TEXT only as a whole word.
 * Status 0 if a line was selected, 1 if none, 2 on an error (as Unix's
 * grep).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int invert, count_only, whole_word;

/* Letters, digits and _ make words (-w). */
static int is_word_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Does line contain text (as a whole word under -w)? */
static int matches(const char *line, const char *text)
{
    size_t n = strlen(text);
    for (const char *at = strstr(line, text); at; at = strstr(at + 1, text))
        if (!whole_word || ((at == line || !is_word_char(at[-1])) && !is_word_char(at[n])))
            return 1;
    return 0;
}

/* Print (or count) the selected lines of f; the number selected. */
static long scan(FILE *f, const char *text)
{
    char line[1024];
    long selected = 0;
    while (fgets(line, sizeof(line), f)) {
        if (matches(line, text) == invert)
            continue;
        selected++;
        if (!count_only)
            fputs(line, stdout);
    }
    return selected;
}

/* Options, TEXT, then each file (or stdin); see the status above. */
int main(int argc, char **argv)
{
    int i = 1, error = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-v"))
            invert = 1;
        else if (!strcmp(argv[i], "-c"))
            count_only = 1;
        else if (!strcmp(argv[i], "-w"))
            whole_word = 1;
        else
            break;
    }
    if (i == argc) {
        fprintf(stderr, "usage: grep [-v] [-c] [-w] TEXT [FILE...]\n");
        return 2;
    }
    const char *text = argv[i++];
    long selected = 0;
    if (i == argc)
        selected = scan(stdin, text);
    for (; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
            error = 1;
            continue;
        }
        selected += scan(f, text);
        fclose(f);
    }
    if (count_only)
        printf("%ld\n", selected);
    return error ? 2 : selected ? 0 : 1;
}
