#include "loa_alsa.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <stdlib.h>

struct loa_capture {
    snd_pcm_t *handle;
    unsigned channels;
    int has_card;
};

int loa_capture_open(loa_capture **capture, const char *device, unsigned rate, unsigned channels,
                     unsigned latency_us) {
    snd_pcm_t *handle = NULL;
    int error = snd_pcm_open(&handle, device, SND_PCM_STREAM_CAPTURE, 0);
    if (error < 0) return error;
    error = snd_pcm_set_params(handle, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, channels, rate, 1,
                               latency_us);
    if (error < 0) {
        snd_pcm_close(handle);
        return error;
    }
    loa_capture *result = malloc(sizeof *result);
    if (result == NULL) {
        snd_pcm_close(handle);
        return -ENOMEM;
    }
    snd_pcm_info_t *info;
    snd_pcm_info_alloca(&info);
    result->handle = handle;
    result->channels = channels;
    result->has_card = snd_pcm_info(handle, info) == 0 && snd_pcm_info_get_card(info) >= 0;
    *capture = result;
    return 0;
}

int loa_capture_has_card(loa_capture *capture) { return capture->has_card; }

long loa_capture_read(loa_capture *capture, int16_t *samples, unsigned long frames, unsigned *overruns) {
    unsigned channels = capture->channels;
    unsigned long done = 0;
    while (done < frames) {
        snd_pcm_sframes_t read = snd_pcm_readi(capture->handle, samples + done * channels, frames - done);
        if (read > 0) {
            done += (unsigned long)read;
            continue;
        }
        if (read == 0) return (long)done;
        if (read == -EPIPE) (*overruns)++;
        if (snd_pcm_recover(capture->handle, (int)read, 1) < 0) return (long)read;
    }
    return (long)done;
}

void loa_capture_close(loa_capture *capture) {
    if (capture == NULL) return;
    snd_pcm_drop(capture->handle);
    snd_pcm_close(capture->handle);
    free(capture);
}
