# mk/version.mk - the release version, and DIR/version.h generated from it and
# from `git describe` (mk/version.sh). Included by the top Makefile and by
# mk/arm64.mk; including it twice is harmless.

VERSION := 0.1.0

.PHONY: FORCE
FORCE:
# Checked on every make; the header only changes (and cmd_version.o only
# rebuilds) when the version or the git describe does.
%/version.h: FORCE
	@sh mk/version.sh $@ $(VERSION)
