/* guest-os: the first user program, run by the kernel in ring 3 (newlib's
 * printf and malloc over lib/syscalls.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char *greeting = malloc(64);
    if (!greeting)
        return 1;
    strcpy(greeting, "hello from ring 3");
    printf("%s: %s (argc %d, printf %5.2f)\n", argv[0], greeting, argc, 3.14159);
    free(greeting);
    return 0;
}
