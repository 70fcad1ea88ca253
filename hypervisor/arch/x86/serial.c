/* pvx: the 16550 UART on COM1, the hypervisor console. */
#include <pvx/arch.h>
#include <pvx/lib.h>
#include <asm/io.h>
#include <asm/setup.h>
#include <asm/regs.h>
#include <pvx/console.h>
#include <pvx/keyhandler.h>

#define COM1 0x3f8

/* Program COM1 for `baud` 8N1 with FIFOs on. */
void serial_init(unsigned int baud)
{
    unsigned int divisor = baud ? 115200 / baud : 1;
    if (divisor == 0)
        divisor = 1;
    outb(COM1 + 1, 0x00);           /* no interrupts */
    outb(COM1 + 3, 0x80);           /* DLAB */
    outb(COM1 + 0, divisor & 0xff);
    outb(COM1 + 1, divisor >> 8);
    outb(COM1 + 3, 0x03);           /* 8N1 */
    outb(COM1 + 2, 0xC7);           /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);           /* DTR | RTS */
}

/* Send one byte, waiting for the transmitter. */
static void serial_putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

/* arch_console_write: see pvx/arch.h. Turns \n into \r\n for terminals. */
void arch_console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

/* A byte from COM1, or -1 if none is waiting. */
int serial_getc(void)
{
    if (!(inb(COM1 + 5) & 0x01))
        return -1;
    return inb(COM1);
}

/* arch_console_getc: see pvx/arch.h. */
int arch_console_getc(void)
{
    return serial_getc();
}

/* Interrupt on received bytes (IER bit 0; OUT2 routes the UART's interrupt
 * to the PIC on PC hardware) and unmask IRQ4. */
void serial_enable_input(void)
{
    outb(COM1 + 1, 0x01);
    outb(COM1 + 4, 0x0B);                       /* DTR | RTS | OUT2 */
    i8259_unmask_irq(4);
}

/* IRQ4 (vector 0x24), from entry.S with interrupts off: hand every waiting
 * byte to the console input router (debug keys, or the input of dom0 or
 * of the domU that has it). */
void handle_serial_interrupt(struct cpu_regs *regs)
{
    (void)regs;
    int c;
    while ((c = serial_getc()) >= 0) {
        int for_domain = console_input_byte((char)c);
        if (for_domain >= 0)
            console_input_push((char)for_domain);
    }
    i8259_eoi(4);
}
