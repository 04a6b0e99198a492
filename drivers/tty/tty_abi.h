/*
 * The terminal part of the guest ABI (Linux x86-64): the kernel's struct
 * termios and termios2 that TCGETS/TCSETS and TCGETS2 move (not glibc's
 * larger one), struct winsize, the flag bits, the c_cc indices and the
 * ioctl numbers.  Kept out of core/abi.h because only drivers/tty and its
 * tests use them.
 */
#ifndef DRIVERS_TTY_TTY_ABI_H
#define DRIVERS_TTY_TTY_ABI_H

#include <stdint.h>

#define KNCCS		19

struct ktermios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[KNCCS];
};
_Static_assert(sizeof(struct ktermios) == 36, "struct termios is 36 bytes");

struct ktermios2 {
	struct ktermios t;
	uint32_t c_ispeed, c_ospeed;
};
_Static_assert(sizeof(struct ktermios2) == 44, "struct termios2 is 44 bytes");

struct kwinsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* c_cc indices. */
#define KVINTR		0
#define KVQUIT		1
#define KVERASE		2
#define KVKILL		3
#define KVEOF		4
#define KVTIME		5
#define KVMIN		6
#define KVSWTC		7
#define KVSTART		8
#define KVSTOP		9
#define KVSUSP		10
#define KVEOL		11
#define KVREPRINT	12
#define KVDISCARD	13
#define KVWERASE	14
#define KVLNEXT		15
#define KVEOL2		16

/* c_iflag */
#define KIGNBRK		0000001
#define KBRKINT		0000002
#define KISTRIP		0000040
#define KINLCR		0000100
#define KIGNCR		0000200
#define KICRNL		0000400
#define KIXON		0002000
#define KIXANY		0004000
#define KIXOFF		0010000
#define KIUTF8		0040000

/* c_oflag */
#define KOPOST		0000001
#define KONLCR		0000004
#define KOCRNL		0000010
#define KONOCR		0000020
#define KONLRET		0000040

/* c_cflag */
#define KB38400		0000017
#define KCS8		0000060
#define KCREAD		0000200
#define KHUPCL		0002000

/* c_lflag */
#define KISIG		0000001
#define KICANON		0000002
#define KECHO		0000010
#define KECHOE		0000020
#define KECHOK		0000040
#define KECHONL		0000100
#define KNOFLSH		0000200
#define KTOSTOP		0000400
#define KECHOCTL	0001000
#define KECHOPRT	0002000
#define KECHOKE		0004000
#define KIEXTEN		0100000

/* ioctl numbers. */
#define KTCGETS		0x5401
#define KTCSETS		0x5402
#define KTCSETSW	0x5403
#define KTCSETSF	0x5404
#define KTCSBRK		0x5409
#define KTCXONC		0x540A
#define KTCFLSH		0x540B
#define KTIOCSCTTY	0x540E
#define KTIOCGPGRP	0x540F
#define KTIOCSPGRP	0x5410
#define KTIOCOUTQ	0x5411
#define KTIOCGWINSZ	0x5413
#define KTIOCSWINSZ	0x5414
#define KTIOCINQ	0x541B
#define KTIOCNOTTY	0x5422
#define KTCSBRKP	0x5425
#define KTIOCGSID	0x5429
#define KTCGETS2	0x802C542A
#define KTCSETS2	0x402C542B
#define KTCSETSW2	0x402C542C
#define KTCSETSF2	0x402C542D
#define KTIOCGPTN	0x80045430
#define KTIOCSPTLCK	0x40045431
#define KTIOCGPTLCK	0x80045439
#define KTIOCGPTPEER	0x5441

/* TCFLSH and TCXONC arguments. */
#define KTCIFLUSH	0
#define KTCOFLUSH	1
#define KTCIOFLUSH	2
#define KTCOOFF		0
#define KTCOON		1
#define KTCIOFF		2
#define KTCION		3

#endif
