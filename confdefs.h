/* confdefs.h */
#define PACKAGE_NAME "vmlinux-host"
#define PACKAGE_TARNAME "vmlinux-host"
#define PACKAGE_VERSION "0.1.0"
#define PACKAGE_STRING "vmlinux-host 0.1.0"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_URL ""
#define PACKAGE "vmlinux-host"
#define VERSION "0.1.0"
#define HAVE_STDIO_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRING_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_STDINT_H 1
#define HAVE_STRINGS_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_UNISTD_H 1
#define STDC_HEADERS 1
#define HAVE_VALGRIND_VALGRIND_H 1
#define CONFIG_BUILD_FLAGS "asan=no ubsan=no debug=no"
