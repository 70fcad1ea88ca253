/*
 * guest-os: ls [-l] [PATH...]: the names in each directory (/ if no PATH),
 * sorted, one per line; a PATH that is a file is listed as itself. With
 * several PATHs each directory is headed "PATH:". -l adds the type
 * (d directory, c device, - file) and the size in bytes. A PATH that
 * does not exist: "ls: PATH: reason" and status 1.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ENTRIES 256

static int long_format;

/* qsort order: by name. */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line: the name, with its type and size under -l (st: its stat). */
static void print_entry(const char *name, const struct stat *st)
{
    if (!long_format) {
        printf("%s\n", name);
        return;
    }
    char type = S_ISDIR(st->st_mode) ? 'd' : S_ISCHR(st->st_mode) ? 'c' : '-';
    printf("%c %8ld %s\n", type, (long)st->st_size, name);
}

/* The sorted names in directory `path`; 0, or -1 after reporting. */
static int list_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        return -1;
    }
    static char *names[MAX_ENTRIES];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < MAX_ENTRIES)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), by_name);
    for (int i = 0; i < n; i++) {
        struct stat st = { 0 };
        if (long_format) {
            char full[FS_PATH_MAX];
            snprintf(full, sizeof(full), "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
            stat(full, &st);
        }
        print_entry(names[i], &st);
        free(names[i]);
    }
    return 0;
}

/* List `path`: a directory's contents or a file's own name. 0 or -1. */
static int list(const char *path, int header)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        print_entry(path, &st);
        return 0;
    }
    if (header)
        printf("%s:\n", path);
    return list_dir(path);
}

/* List each PATH (or /); 1 if any does not exist. */
int main(int argc, char **argv)
{
    int i = 1, status = 0;
    if (argc > 1 && !strcmp(argv[1], "-l")) {
        long_format = 1;
        i++;
    }
    if (i == argc)
        return list("/", 0) < 0;
    for (int first = i; i < argc; i++)
        if (list(argv[i], argc - first > 1) < 0)
            status = 1;
    return status;
}
