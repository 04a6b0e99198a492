/*
 * syslog (klogctl) for dmesg: SIZE_BUFFER is positive, READ_ALL returns
 * "<level>[seconds.micro] text" lines, a short buffer gets at most its
 * size, SIZE_UNREAD works for root; a NULL buffer or an unknown action
 * is EINVAL.
 */
#include <stdlib.h>
#include <sys/klog.h>
#include "guest.h"

int
main(void)
{
	int size = klogctl(10, NULL, 0), n;
	char *buf, small[64];

	CHECK(size > 0);
	buf = malloc((size_t)size + 1);
	CHECK(buf != NULL);
	n = klogctl(3, buf, size);
	CHECK(n > 0 && n <= size);
	buf[n] = '\0';
	CHECK(buf[0] == '<' && buf[1] >= '0' && buf[1] <= '7');
	CHECK(buf[2] == '>' && buf[3] == '[');
	CHECK(strchr(buf, ']') != NULL && strchr(buf, '\n') != NULL);
	n = klogctl(3, small, sizeof(small));
	CHECK(n >= 0 && n <= (int)sizeof(small));
	CHECK(klogctl(3, buf, 0) == 0);
	CHECK(klogctl(9, NULL, 0) >= 0);
	CHECK_ERR(klogctl(3, NULL, 10), EINVAL);
	CHECK_ERR(klogctl(3, buf, -1), EINVAL);
	CHECK_ERR(klogctl(42, NULL, 0), EINVAL);
	CHECK_ERR(klogctl(8, NULL, 0), EINVAL);
	free(buf);
	return 0;
}
