#include "loa_alsa.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <stdlib.h>

struct loa_pcm {
    snd_pcm_t *handle;
    unsigned channels;
};

int loa_pcm_open(loa_pcm **pcm, const char *device, unsigned rate, unsigned latency_us, unsigned *channels) {
    snd_pcm_t *handle = NULL;
    int error = snd_pcm_open(&handle, device, SND_PCM_STREAM_PLAYBACK, 0);
    if (error < 0) return error;
    const unsigned choices[2] = {1, 2};
    for (int i = 0; i < 2; i++) {
        error = snd_pcm_set_params(handle, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, choices[i], rate,
                                   1, latency_us);
        if (error == 0) {
            *channels = choices[i];
            loa_pcm *result = malloc(sizeof *result);
            if (result == NULL) {
                snd_pcm_close(handle);
                return -ENOMEM;
            }
            result->handle = handle;
            result->channels = choices[i];
            *pcm = result;
            return 0;
        }
    }
    snd_pcm_close(handle);
    return error;
}

long loa_pcm_write(loa_pcm *pcm, const int16_t *samples, unsigned long frames, unsigned *underruns) {
    unsigned channels = pcm->channels;
    unsigned long done = 0;
    while (done < frames) {
        snd_pcm_sframes_t written = snd_pcm_writei(pcm->handle, samples + done * channels, frames - done);
        if (written >= 0) {
            done += (unsigned long)written;
            continue;
        }
        if (written == -EPIPE) (*underruns)++;
        if (snd_pcm_recover(pcm->handle, (int)written, 1) < 0) return (long)written;
    }
    return (long)done;
}

long loa_pcm_delay(loa_pcm *pcm) {
    snd_pcm_sframes_t delay = 0;
    if (snd_pcm_state(pcm->handle) != SND_PCM_STATE_RUNNING || snd_pcm_delay(pcm->handle, &delay) < 0) return 0;
    return delay > 0 ? (long)delay : 0;
}

long loa_pcm_start_frames(loa_pcm *pcm) {
    snd_pcm_info_t *info;
    snd_pcm_info_alloca(&info);
    if (snd_pcm_info(pcm->handle, info) < 0 || snd_pcm_info_get_card(info) < 0) return 0;
    snd_pcm_sw_params_t *software;
    snd_pcm_sw_params_alloca(&software);
    snd_pcm_uframes_t threshold = 0, buffer = 0, period = 0;
    if (snd_pcm_sw_params_current(pcm->handle, software) < 0 ||
        snd_pcm_sw_params_get_start_threshold(software, &threshold) < 0 ||
        snd_pcm_get_params(pcm->handle, &buffer, &period) < 0)
        return 0;
    return (long)(threshold < buffer ? threshold : buffer);
}

long loa_pcm_buffer_frames(loa_pcm *pcm) {
    snd_pcm_uframes_t buffer = 0, period = 0;
    if (snd_pcm_get_params(pcm->handle, &buffer, &period) < 0) return 0;
    return (long)buffer;
}

void loa_pcm_drain(loa_pcm *pcm) {
    snd_pcm_drain(pcm->handle);
    snd_pcm_prepare(pcm->handle);
}

void loa_pcm_close(loa_pcm *pcm) {
    if (pcm == NULL) return;
    snd_pcm_drain(pcm->handle);
    snd_pcm_close(pcm->handle);
    free(pcm);
}

void loa_pcm_abandon(loa_pcm *pcm) {
    if (pcm == NULL) return;
    snd_pcm_drop(pcm->handle);
    snd_pcm_close(pcm->handle);
    free(pcm);
}

const char *loa_pcm_strerror(int error) { return snd_strerror(error); }
