#include "loa_alsa.h"

#include <alsa/asoundlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char loa_alsa_message[256];

static void loa_alsa_keep_message(const char *file, int line, const char *function, int error, const char *format,
                                  ...) {
    (void)file;
    (void)line;
    (void)function;
    (void)error;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(loa_alsa_message, sizeof loa_alsa_message, format, arguments);
    va_end(arguments);
}

void loa_alsa_capture_messages(void) { snd_lib_error_set_handler(loa_alsa_keep_message); }

size_t loa_alsa_take_message(char *buffer, size_t capacity) {
    if (capacity == 0) return 0;
    snprintf(buffer, capacity, "%s", loa_alsa_message);
    loa_alsa_message[0] = '\0';
    return strlen(buffer);
}
