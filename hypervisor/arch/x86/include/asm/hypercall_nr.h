/* pvx: size of the hypercall dispatch array (shared by entry.S and C). */
#ifndef ASM_HYPERCALL_NR_H
#define ASM_HYPERCALL_NR_H
#define NR_HYPERCALLS 64
#endif
