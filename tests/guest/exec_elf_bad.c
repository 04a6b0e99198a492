/*
 * Malformed ELF files never take the kernel down: truncated and
 * corrupted copies of this program either fail to exec with ENOEXEC (or
 * EIO/EINVAL/ENOMEM/ENOENT, what Linux says for a few of them) or run
 * and die or exit; the caller goes on.  Headers that Linux and this
 * kernel both refuse are checked for ENOEXEC exactly; then random bytes
 * of the ELF and program headers are flipped (a fixed seed).
 */
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define BAD_PATH	"/tmp/exec_elf_bad"
#define FUZZ_ROUNDS	200

static char *image;
static size_t image_size;

static void
load_self(void)
{
	const char *self = (const char *)getauxval(AT_EXECFN);
	struct stat st;
	int fd = open(self, O_RDONLY);

	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0);
	image_size = st.st_size;
	image = malloc(image_size);
	CHECK(image != NULL);
	CHECK(read(fd, image, image_size) == (ssize_t)image_size);
	CHECK(close(fd) == 0);
}

/*
 * Write len bytes of buf as BAD_PATH and exec it in a child: the exec's
 * errno, 0 if the program ran and exited, -1 if it was killed.
 */
static int
try_image(const char *buf, size_t len)
{
	char *args[] = { "bad", "corrupt", NULL }, *env[] = { NULL };
	int fd, status;
	pid_t pid;

	unlink(BAD_PATH);
	fd = open(BAD_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK(fd >= 0);
	CHECK(write(fd, buf, len) == (ssize_t)len);
	CHECK(close(fd) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		alarm(10);
		execve(BAD_PATH, args, env);
		_exit(100 + errno);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	if (WIFSIGNALED(status))
		return -1;
	CHECK(WIFEXITED(status));
	if (WEXITSTATUS(status) >= 100)
		return WEXITSTATUS(status) - 100;
	return 0;
}

enum edit {
	BAD_MAGIC, BAD_CLASS, BAD_DATA, BAD_TYPE, BAD_MACHINE, BAD_PHENTSIZE,
	NO_PHDRS, MANY_PHDRS, FAR_PHDRS,
	/* of the first PT_LOAD */
	BIG_FILESZ, BIG_OFFSET, HIGH_VADDR, ODD_OFFSET,
};

static Elf64_Phdr *
first_load(Elf64_Ehdr *eh, Elf64_Phdr *ph)
{
	int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			return &ph[i];
	CHECK(0);
	return NULL;
}

static void
edit_headers(Elf64_Ehdr *eh, Elf64_Phdr *ph, enum edit what)
{
	Elf64_Phdr *load = first_load(eh, ph);

	switch (what) {
	case BAD_MAGIC:		eh->e_ident[1] = 'X'; break;
	case BAD_CLASS:		eh->e_ident[EI_CLASS] = ELFCLASS32; break;
	case BAD_DATA:		eh->e_ident[EI_DATA] = ELFDATA2MSB; break;
	case BAD_TYPE:		eh->e_type = ET_REL; break;
	case BAD_MACHINE:	eh->e_machine = EM_386; break;
	case BAD_PHENTSIZE:	eh->e_phentsize = 32; break;
	case NO_PHDRS:		eh->e_phnum = 0; break;
	case MANY_PHDRS:	eh->e_phnum = 100; break;
	case FAR_PHDRS:		eh->e_phoff = 1ULL << 40; break;
	case BIG_FILESZ:	load->p_filesz = 1ULL << 40; break;
	case BIG_OFFSET:	load->p_offset = -4096ULL; break;
	case HIGH_VADDR:	load->p_vaddr = -8192ULL; break;
	case ODD_OFFSET:	load->p_offset += 1; break;
	}
}

/* A copy of the image with the headers changed. */
static int
try_edit(enum edit what)
{
	char *copy = malloc(image_size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)copy;
	int r;

	CHECK(copy != NULL);
	memcpy(copy, image, image_size);
	edit_headers(eh, (Elf64_Phdr *)(copy + eh->e_phoff), what);
	r = try_image(copy, image_size);
	free(copy);
	return r;
}

/* Cut copies: short headers are ENOEXEC, short segments anything. */
static void
check_truncated(void)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)image;
	size_t phend = eh->e_phoff + eh->e_phnum * sizeof(Elf64_Phdr);
	size_t cuts[] = { 0, 3, 4, 32, 63, 64, phend - 1 };
	unsigned int i;
	int r;

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		CHECK(try_image(image, cuts[i]) == ENOEXEC);
	r = try_image(image, phend + 100);
	CHECK(r == ENOEXEC || r == -1);
	r = try_image(image, image_size / 2);
	CHECK(r == ENOEXEC || r == -1);
}

/* Flip 1 to 4 random bytes of the headers, many times. */
static void
fuzz(void)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)image;
	size_t hdrs = eh->e_phoff + eh->e_phnum * sizeof(Elf64_Phdr);
	char *copy = malloc(image_size);
	unsigned int seed = 12345, n, k;
	int i;

	CHECK(copy != NULL);
	for (i = 0; i < FUZZ_ROUNDS; i++) {
		memcpy(copy, image, image_size);
		n = 1 + (unsigned int)rand_r(&seed) % 4;
		for (k = 0; k < n; k++)
			copy[(size_t)rand_r(&seed) % hdrs] ^=
				(char)(1 + rand_r(&seed) % 255);
		try_image(copy, image_size);
	}
	free(copy);
}

int
main(int argc, char **argv)
{
	int r;

	if (argc > 1)
		return 0;	/* a corrupted copy that still runs */
	load_self();
	CHECK(try_image(image, image_size) == 0);
	check_truncated();
	CHECK(try_edit(BAD_MAGIC) == ENOEXEC);
	CHECK(try_edit(BAD_TYPE) == ENOEXEC);
	CHECK(try_edit(BAD_MACHINE) == ENOEXEC);
	CHECK(try_edit(BAD_PHENTSIZE) == ENOEXEC);
	CHECK(try_edit(NO_PHDRS) == ENOEXEC);
	CHECK(try_edit(FAR_PHDRS) == ENOEXEC);
	/*
	 * Linux does not look at the class and byte order, reads extra
	 * program headers (up to 64 KiB of them), and finds the rest out at
	 * mmap time or not at all.
	 */
	r = try_edit(BAD_CLASS);
	CHECK(r == ENOEXEC || r == 0);
	r = try_edit(BAD_DATA);
	CHECK(r == ENOEXEC || r == 0);
	r = try_edit(MANY_PHDRS);
	CHECK(r == ENOEXEC || r == -1 || r == 0);
	r = try_edit(BIG_FILESZ);
	CHECK(r == ENOEXEC || r == -1 || r == 0);
	r = try_edit(BIG_OFFSET);
	CHECK(r == ENOEXEC || r == EINVAL || r == EOVERFLOW || r == -1);
	r = try_edit(HIGH_VADDR);
	CHECK(r == ENOEXEC || r == EINVAL || r == ENOMEM || r == -1);
	r = try_edit(ODD_OFFSET);
	CHECK(r == ENOEXEC || r == EINVAL || r == -1);
	fuzz();
	unlink(BAD_PATH);
	return 0;
}
