#include "loa_alsa.h"

#include <alsa/asoundlib.h>
#include <errno.h>
#include <stdlib.h>

struct loa_capture {
    snd_pcm_t *handle;
    unsigned channels;
    int has_card;
};

/// S16_LE interleaved at exactly `rate` (ALSA may resample), a buffer of about `buffer_us` in periods of about
/// `period_us`, each read woken as soon as a period is captured.
static int configure(snd_pcm_t *handle, unsigned rate, unsigned channels, unsigned period_us, unsigned buffer_us) {
    snd_pcm_hw_params_t *hw;
    snd_pcm_hw_params_alloca(&hw);
    int error;
    if ((error = snd_pcm_hw_params_any(handle, hw)) < 0) return error;
    if ((error = snd_pcm_hw_params_set_rate_resample(handle, hw, 1)) < 0) return error;
    if ((error = snd_pcm_hw_params_set_access(handle, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0) return error;
    if ((error = snd_pcm_hw_params_set_format(handle, hw, SND_PCM_FORMAT_S16_LE)) < 0) return error;
    if ((error = snd_pcm_hw_params_set_channels(handle, hw, channels)) < 0) return error;
    unsigned exact = rate;
    if ((error = snd_pcm_hw_params_set_rate_near(handle, hw, &exact, NULL)) < 0) return error;
    if (exact != rate) return -EINVAL;
    unsigned buffer = buffer_us, period = period_us;
    if ((error = snd_pcm_hw_params_set_buffer_time_near(handle, hw, &buffer, NULL)) < 0) return error;
    if ((error = snd_pcm_hw_params_set_period_time_near(handle, hw, &period, NULL)) < 0) return error;
    if ((error = snd_pcm_hw_params(handle, hw)) < 0) return error;
    snd_pcm_uframes_t period_frames = 0;
    snd_pcm_hw_params_get_period_size(hw, &period_frames, NULL);
    snd_pcm_sw_params_t *sw;
    snd_pcm_sw_params_alloca(&sw);
    if ((error = snd_pcm_sw_params_current(handle, sw)) < 0) return error;
    if ((error = snd_pcm_sw_params_set_start_threshold(handle, sw, 1)) < 0) return error;
    if ((error = snd_pcm_sw_params_set_avail_min(handle, sw, period_frames)) < 0) return error;
    return snd_pcm_sw_params(handle, sw);
}

int loa_capture_open(loa_capture **capture, const char *device, unsigned rate, unsigned channels,
                     unsigned period_us, unsigned buffer_us) {
    snd_pcm_t *handle = NULL;
    int error = snd_pcm_open(&handle, device, SND_PCM_STREAM_CAPTURE, 0);
    if (error < 0) return error;
    error = configure(handle, rate, channels, period_us, buffer_us);
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
