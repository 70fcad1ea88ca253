/*
 * guest-os: echoargs, prints its argc and argv one per line (exectest
 * execs it) and exits with argc, so the parent can check the status.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("echoargs: argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("echoargs: argv[%d] = \"%s\"\n", i, argv[i]);
    return argc;
}
