/*
 * The system's identity as uname(2) reports it (core/sys_info.c): the
 * fixed strings (sysname "Linux", so that programs written for Linux
 * accept us, the release, version and machine) and the host and domain
 * names that sethostname(2) and setdomainname(2) change.  Procfs reads
 * the same strings for /proc/sys/kernel/{hostname,domainname,osrelease,
 * ostype,version} and /proc/version.
 *
 * The names are guarded by disabling interrupts; readers that need a
 * stable copy use utsname_copy() or utsname_get_hostname().
 */
#ifndef CORE_UTSNAME_H
#define CORE_UTSNAME_H

#include <stddef.h>
#include <stdint.h>

#define KUTS_LEN	65	/* each field of struct utsname, with NUL */
#define KHOST_NAME_MAX	64	/* longest host or domain name */

/* struct utsname of x86-64 Linux (struct new_utsname). */
struct kutsname {
	char sysname[KUTS_LEN];
	char nodename[KUTS_LEN];
	char release[KUTS_LEN];
	char version[KUTS_LEN];
	char machine[KUTS_LEN];
	char domainname[KUTS_LEN];
};
_Static_assert(sizeof(struct kutsname) == 390, "struct utsname is 390 bytes");

/* The fixed strings: "Linux", the release, the version and "x86_64". */
const char *utsname_sysname(void);
const char *utsname_release(void);
const char *utsname_version(void);
const char *utsname_machine(void);

/*
 * The current host and domain names (NUL-terminated; "(none)" until
 * set).  The pointer stays valid, but the text may change under a
 * reader that sleeps; use utsname_copy() for a consistent snapshot.
 */
const char *utsname_hostname(void);
const char *utsname_domainname(void);

/* Fill *u with every field, consistently.  Any context. */
void utsname_copy(struct kutsname *u);

/*
 * Set the host or domain name to the len bytes at name (not necessarily
 * NUL-terminated; a NUL inside ends it early).  0, or -EINVAL if len is
 * above KHOST_NAME_MAX.  No permission check: system calls check that.
 */
int utsname_set_hostname(const char *name, size_t len);
int utsname_set_domainname(const char *name, size_t len);

#endif
