/* pvx: the hypervisor command line. Options are Xen's names; anything
 * unknown is reported and ignored so a Xen command line still boots. */
#include <pvx/lib.h>
#include <pvx/cmdline.h>

struct hv_options hv_options = { .loglvl = 2 };
char hv_command_line[1024];

/* parse_size: see pvx/cmdline.h. */
bool parse_size(const char *s, size_t len, uint64_t *bytes)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        uint64_t digit = (uint64_t)(s[i] - '0');
        /* Exact bound: a fixed "- 9" refused 18446744073709551610..615. */
        if (v > (UINT64_MAX - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    if (i == 0)
        return false;
    unsigned int shift = 0;
    if (i < len) {
        switch (s[i]) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        default: return false;
        }
        if (i + 1 != len)
            return false;
    }
    if (shift && v > (UINT64_MAX >> shift))
        return false;
    *bytes = v << shift;
    return true;
}

/* Does option [opt, opt+len) equal name? */
static bool is(const char *opt, size_t len, const char *name)
{
    return strlen(name) == len && memcmp(opt, name, len) == 0;
}

/* dom0_mem=[max:SIZE,][SIZE] (Xen's syntax, items in any order): dom0's
 * size and the most it may balloon up to. A bad item is reported and the
 * whole option ignored. */
static void parse_dom0_mem(const char *val, size_t val_len)
{
    uint64_t size = 0, max = 0, n;
    size_t start = 0;
    while (start <= val_len) {
        size_t end = start;
        while (end < val_len && val[end] != ',')
            end++;
        const char *item = val + start;
        size_t len = end - start;
        bool is_max = len > 4 && memcmp(item, "max:", 4) == 0;
        if (is_max ? !parse_size(item + 4, len - 4, &n) : !parse_size(item, len, &n) || n < (1u << 20)) {
            printk("dom0_mem=%.*s: bad size, ignored\n", (int)val_len, val);
            return;
        }
        *(is_max ? &max : &size) = n;
        start = end + 1;
    }
    if (max && size && max < size) {
        printk("dom0_mem=%.*s: max is below the size, ignored\n", (int)val_len, val);
        return;
    }
    hv_options.dom0_mem_bytes = size;
    hv_options.dom0_max_bytes = max;
}

/* Apply one "name" or "name=value" option. */
static void apply_option(const char *opt, size_t len)
{
    const char *eq = memchr(opt, '=', len);
    size_t name_len = eq ? (size_t)(eq - opt) : len;
    const char *val = eq ? eq + 1 : "";
    size_t val_len = eq ? len - name_len - 1 : 0;
    uint64_t n;

    if (is(opt, name_len, "console")) {
        if (!is(val, val_len, "com1") && !is(val, val_len, "vga,com1") && !is(val, val_len, "com1,vga"))
            printk("console=%.*s: only com1 is supported; using com1\n", (int)val_len, val);
    } else if (is(opt, name_len, "com1")) {
        size_t digits = 0;
        while (digits < val_len && val[digits] >= '0' && val[digits] <= '9')
            digits++;
        if (digits && parse_size(val, digits, &n) && n >= 50 && n <= 115200)
            hv_options.com1_baud = (unsigned int)n;
        else
            printk("com1=%.*s: bad baud rate, ignored\n", (int)val_len, val);
    } else if (is(opt, name_len, "dom0_mem")) {
        parse_dom0_mem(val, val_len);
    } else if (is(opt, name_len, "loglvl")) {
        static const char *const levels[] = { "none", "error", "warning", "info", "all" };
        int found = -1;
        for (int i = 0; i < 5; i++)
            if (is(val, val_len, levels[i]))
                found = i;
        if (found < 0)
            printk("loglvl=%.*s: unknown level, ignored\n", (int)val_len, val);
        else
            hv_options.loglvl = found;
    } else if (is(opt, name_len, "dom0_io_privilege")) {
        if (is(val, val_len, "off") || is(val, val_len, "on"))
            hv_options.dom0_no_io_privilege = is(val, val_len, "off");
        else
            printk("dom0_io_privilege=%.*s: expected on or off, ignored\n", (int)val_len, val);
    } else if (is(opt, name_len, "bench_gate")) {
        if (is(val, val_len, "off") || is(val, val_len, "on"))
            hv_options.bench_gate = is(val, val_len, "on");
        else
            printk("bench_gate=%.*s: expected on or off, ignored\n", (int)val_len, val);
    } else if (is(opt, name_len, "noreboot")) {
        hv_options.noreboot = true;
    } else {
        printk("unknown option '%.*s' ignored\n", (int)len, opt);
    }
}

/* cmdline_parse: see pvx/cmdline.h. */
void cmdline_parse(const char *cmdline)
{
    size_t n = strlen(cmdline);
    if (n >= sizeof(hv_command_line))
        n = sizeof(hv_command_line) - 1;
    memcpy(hv_command_line, cmdline, n);
    hv_command_line[n] = '\0';
    const char *p = cmdline;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        if (p > start)
            apply_option(start, (size_t)(p - start));
    }
}
