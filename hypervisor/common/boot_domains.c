/* pvx: reading boot-time domain definitions from module command lines:
 * which module is whose kernel or ramdisk, and a domain's options. */
#include <pvx/lib.h>
#include <pvx/cmdline.h>
#include <pvx/boot_domains.h>

/* Next space-separated word of *p: its start and length (0 at the end). */
static size_t next_word(const char **p, const char **word)
{
    while (**p == ' ')
        (*p)++;
    *word = *p;
    while (**p && **p != ' ')
        (*p)++;
    return (size_t)(*p - *word);
}

/* Is the first word of cmdline `word`? */
static bool first_word_is(const char *cmdline, const char *word)
{
    const char *w;
    size_t n = next_word(&cmdline, &w);
    return n == strlen(word) && memcmp(w, word, n) == 0;
}

/* is_domain_module: see pvx/boot_domains.h. */
bool is_domain_module(const char *cmdline)
{
    return first_word_is(cmdline, "domain");
}

/* is_ramdisk_module: see pvx/boot_domains.h. */
bool is_ramdisk_module(const char *cmdline)
{
    return first_word_is(cmdline, "ramdisk");
}

/* classify_boot_modules: see pvx/boot_domains.h. A ramdisk goes with the
 * kernel right before it, which must not have one already; module 1 is
 * dom0's whatever its line says, unless it is a domain. */
void classify_boot_modules(const char *const cmdlines[], unsigned int n,
                           enum boot_module_kind kind[], unsigned int ramdisk[])
{
    for (unsigned int i = 0; i < n; i++) {
        ramdisk[i] = 0;
        kind[i] = BOOT_MODULE_UNUSED;
        if (i == 0 || is_domain_module(cmdlines[i])) {
            kind[i] = BOOT_MODULE_KERNEL;
        } else if ((i == 1 || is_ramdisk_module(cmdlines[i])) &&
                   kind[i - 1] == BOOT_MODULE_KERNEL && ramdisk[i - 1] == 0) {
            kind[i] = BOOT_MODULE_RAMDISK;
            ramdisk[i - 1] = i;
        }
    }
}

/* Parse a decimal number of at most max; false if not one. */
static bool parse_uint(const char *s, size_t len, unsigned int max, unsigned int *out)
{
    uint64_t v;
    if (len == 0 || !parse_size(s, len, &v))
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    if (v > max)
        return false;
    *out = (unsigned int)v;
    return true;
}

/* Append one word to the guest command line (dropped if it would not fit). */
static void append_guest_word(struct domain_options *o, const char *w, size_t n)
{
    size_t used = strlen(o->guest_cmdline);
    if (used + (used ? 1 : 0) + n + 1 > sizeof(o->guest_cmdline))
        return;
    if (used)
        o->guest_cmdline[used++] = ' ';
    memcpy(o->guest_cmdline + used, w, n);
    o->guest_cmdline[used + n] = '\0';
}

/* parse_domain_options: see pvx/boot_domains.h. */
bool parse_domain_options(const char *cmdline, struct domain_options *o, char *err, size_t err_len)
{
    memset(o, 0, sizeof(*o));
    o->mem_bytes = DOMU_DEFAULT_MEM;
    o->weight = 256;
    const char *p = cmdline, *w;
    size_t n = next_word(&p, &w);
    if (n != 6 || memcmp(w, "domain", 6) != 0) {
        snprintf(err, err_len, "not a domain line");
        return false;
    }
    bool options_done = false;
    while ((n = next_word(&p, &w)) != 0) {
        const char *eq = options_done ? NULL : memchr(w, '=', n);
        size_t key = eq ? (size_t)(eq - w) : n;
        const char *val = eq ? eq + 1 : "";
        size_t val_len = eq ? n - key - 1 : 0;
        if (!options_done && n == 2 && memcmp(w, "--", 2) == 0) {
            options_done = true;
        } else if (eq && key == 4 && memcmp(w, "name", 4) == 0) {
            if (val_len == 0 || val_len >= sizeof(o->name)) {
                snprintf(err, err_len, "name= must be 1-%zu characters", sizeof(o->name) - 1);
                return false;
            }
            memcpy(o->name, val, val_len);
            o->name[val_len] = '\0';
        } else if (eq && key == 3 && memcmp(w, "mem", 3) == 0) {
            if (!parse_size(val, val_len, &o->mem_bytes) || o->mem_bytes < (1u << 20)) {
                snprintf(err, err_len, "mem=%.*s: expected a size of at least 1M", (int)val_len, val);
                return false;
            }
        } else if (eq && key == 6 && memcmp(w, "maxmem", 6) == 0) {
            if (!parse_size(val, val_len, &o->maxmem_bytes) || o->maxmem_bytes < (1u << 20)) {
                snprintf(err, err_len, "maxmem=%.*s: expected a size of at least 1M", (int)val_len, val);
                return false;
            }
        } else if (eq && key == 6 && memcmp(w, "weight", 6) == 0) {
            if (!parse_uint(val, val_len, 65535, &o->weight) || o->weight == 0) {
                snprintf(err, err_len, "weight=%.*s: expected 1-65535", (int)val_len, val);
                return false;
            }
        } else if (eq && key == 3 && memcmp(w, "cap", 3) == 0) {
            if (!parse_uint(val, val_len, 100, &o->cap)) {
                snprintf(err, err_len, "cap=%.*s: expected 0-100 (percent)", (int)val_len, val);
                return false;
            }
        } else {
            append_guest_word(o, w, n);
        }
    }
    if (!o->maxmem_bytes)
        o->maxmem_bytes = o->mem_bytes;
    if (o->maxmem_bytes < o->mem_bytes) {
        snprintf(err, err_len, "maxmem= is below mem=");
        return false;
    }
    return true;
}
