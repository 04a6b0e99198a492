/*
 * The pure string.h functions kernel code may use.  They come from the host
 * C library at link time (one process, one link); they touch no host state.
 */
#ifndef CORE_STRING_H
#define CORE_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/* Copy at most size-1 bytes of src and NUL-terminate; return strlen(src). */
size_t kstrlcpy(char *dst, const char *src, size_t size);

#endif
