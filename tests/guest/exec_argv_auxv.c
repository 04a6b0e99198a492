/*
 * execve passes argv and envp exactly, and the new program finds the
 * System V initial stack: argv right above argc at a 16-byte aligned
 * stack pointer, envp after argv's NULL, and an auxiliary vector with
 * AT_PAGESZ, AT_RANDOM, AT_EXECFN, AT_PHDR/PHENT/PHNUM, AT_ENTRY,
 * AT_UID..AT_EGID, AT_SECURE, AT_PLATFORM.  The test execs itself.
 */
#include <elf.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

extern char **environ;
extern void _start(void);

/*
 * AT_PHDR points at the program headers in memory; with the usual link
 * (headers right after the ELF header, both in the first PT_LOAD) the
 * ELF header precedes them and gives the entry point.
 */
static void
check_phdrs(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)((const char *)ph - 64);
	unsigned long n = getauxval(AT_PHNUM), i, bias = 0;
	int loads = 0;

	CHECK(ph != NULL);
	CHECK(getauxval(AT_PHENT) == sizeof(Elf64_Phdr));
	CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
	CHECK(eh->e_phoff == 64 && eh->e_phnum == n);
	for (i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		CHECK(ph[i].p_memsz >= ph[i].p_filesz);
		if (loads++ == 0) {
			CHECK(ph[i].p_offset == 0);
			bias = (uintptr_t)eh - ph[i].p_vaddr;
		}
	}
	CHECK(loads > 0);
	CHECK(getauxval(AT_ENTRY) == eh->e_entry + bias);
	CHECK(getauxval(AT_ENTRY) == (uintptr_t)_start);
}

static void
check_auxv(const char *self)
{
	const unsigned char *rnd = (const void *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	int i, nonzero = 0;

	CHECK(getauxval(AT_PAGESZ) == 4096);
	CHECK(rnd != NULL);
	for (i = 0; i < 16; i++)
		nonzero |= rnd[i];
	CHECK(nonzero);
	CHECK(execfn != NULL && strcmp(execfn, self) == 0);
	CHECK(plat != NULL && strcmp(plat, "x86_64") == 0);
	CHECK(getauxval(AT_UID) == getuid());
	CHECK(getauxval(AT_EUID) == geteuid());
	CHECK(getauxval(AT_GID) == getgid());
	CHECK(getauxval(AT_EGID) == getegid());
	CHECK(getauxval(AT_SECURE) == 0);
	check_phdrs();
}

/* The exec'ed side: everything as the parent passed it. */
static int
child(int argc, char **argv)
{
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(argc == 5);
	CHECK(strcmp(argv[1], "child") == 0);
	CHECK(strcmp(argv[2], "") == 0);
	CHECK(strcmp(argv[3], "two words") == 0);
	CHECK(strcmp(argv[4], big) == 0);
	CHECK(argv[5] == NULL);
	/* argc sat at the aligned stack pointer, argv right above it. */
	CHECK(((uintptr_t)argv & 15) == 8);
	CHECK(environ == argv + argc + 1);
	CHECK(environ[0] != NULL && strcmp(environ[0], "A=1") == 0);
	CHECK(environ[1] != NULL && strcmp(environ[1], "EMPTY=") == 0);
	CHECK(environ[2] != NULL && strcmp(environ[2], "B=b b") == 0);
	CHECK(environ[3] == NULL);
	CHECK(strcmp(getenv("B"), "b b") == 0);
	check_auxv(argv[0]);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *self = (const char *)getauxval(AT_EXECFN);
	char big[1000];
	char *env[] = { "A=1", "EMPTY=", "B=b b", NULL };
	char *args[] = { (char *)self, "child", "", "two words", big, NULL };
	int status;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child(argc, argv);
	check_auxv(self);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execve(self, args, env);
		_exit(100 + errno);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return 0;
}
