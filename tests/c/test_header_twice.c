/* The header is self-contained and guarded: including it twice (and after itself through
 * another path) compiles without redefinitions, in C and in C++. */
#include "approvalstudio.h"
#include "approvalstudio.h"
#include "../../include/approvalstudio.h"

#include <stdio.h>
#include <string.h>

#ifndef APPROVALSTUDIO_H
#error "include guard APPROVALSTUDIO_H missing"
#endif

#if !defined(APST_VERSION_MAJOR) || !defined(APST_VERSION_MINOR) || \
    !defined(APST_VERSION_PATCH) || !defined(APST_ABI_VERSION)
#error "version macros missing"
#endif

int main(void) {
    apst_result r = APST_OK;
    apst_progress p;
    apst_progress_callback cb = NULL;
    apst_log_callback lcb = NULL;
    memset(&p, 0, sizeof p);
    (void)cb;
    (void)lcb;
    if (r != 0 || APST_LOG_OFF != 0 || APST_SHUT_DOWN == APST_OK) return 1;
    printf("test_header_twice: ok (%s)\n", apst_version());
    return 0;
}
