/*
 * pvx: the legacy 8259 interrupt controllers. The BIOS leaves IRQ 0-7 on
 * vectors 8-15, where they would look like CPU exceptions (the timer as a
 * double fault), so move them to 0x20-0x2F and mask every line. Lines are
 * unmasked one by one by their users (IRQ0, the PIT: arch/x86/time.c).
 */
#include <asm/io.h>
#include <asm/setup.h>

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1

/* Reprogram both PICs to vectors 0x20/0x28 with all lines masked. */
void i8259_init_masked(void)
{
    outb(PIC1_CMD, 0x11);       /* ICW1: init, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, 0x20);      /* ICW2: vector base */
    outb(PIC2_DATA, 0x28);
    outb(PIC1_DATA, 0x04);      /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);      /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xFF);      /* mask everything */
    outb(PIC2_DATA, 0xFF);
}

/* i8259_unmask_irq: see asm/setup.h. */
void i8259_unmask_irq(unsigned int irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    outb(port, inb(port) & ~(1u << (irq & 7)));
}

/* i8259_mask_irq: see asm/setup.h. */
void i8259_mask_irq(unsigned int irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    outb(port, inb(port) | (1u << (irq & 7)));
}

/* i8259_eoi: see asm/setup.h. A slave line needs an EOI at both chips. */
void i8259_eoi(unsigned int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, 0x20);
    outb(PIC1_CMD, 0x20);
}
