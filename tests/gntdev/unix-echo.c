// SPDX-License-Identifier: GPL-2.0
/*
 * unix-echo PATH - listen on a UNIX socket and echo what one client sends
 * back to it, until the client closes. For the vchan scenario: the vchan
 * server side (vchan-socket-proxy) connects here.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[8192];
	ssize_t n;
	int s, c;

	if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: unix-echo PATH\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	unlink(argv[1]);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(s, 1)) {
		perror("unix-echo: socket");
		return 1;
	}
	c = accept(s, NULL, NULL);
	if (c < 0) {
		perror("unix-echo: accept");
		return 1;
	}
	while ((n = read(c, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (n > 0) {
			ssize_t w = write(c, p, n);

			if (w <= 0) {
				perror("unix-echo: write");
				return 1;
			}
			p += w;
			n -= w;
		}
	}
	return n < 0;
}
