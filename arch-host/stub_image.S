/* The stub program (arch-host/stub/stub.c), embedded for user.c. */
	.section .rodata
	.balign 16
	.globl stub_image, stub_image_end
stub_image:
	.incbin "arch-host/stub/vmlinux-stub"
stub_image_end:
	.section .note.GNU-stack, "", @progbits
