#include "loa_stream.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { output_rate = 48000 };

struct loa_stream {
    atomic_int aborted;
    /// Monotonic nanoseconds after which a network wait gives up (0: none).
    _Atomic long long deadline;
    long long timeout_ns;
    AVFormatContext *format;
    AVCodecContext *codec;
    SwrContext *converter;
    int audio_index;
    /// The input layout the converter was made for.
    int converter_rate;
    int converter_format;
    AVChannelLayout converter_layout;
    AVPacket *packet;
    AVFrame *frame;
    /// Converted samples not handed out yet.
    float *pending;
    int pending_capacity;
    int pending_start;
    int pending_count;
    int input_ended;
    int decoder_ended;
    char format_name[96];
};

static long long now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static void arm(loa_stream *stream) { atomic_store(&stream->deadline, now_ns() + stream->timeout_ns); }

static int interrupted(void *opaque) {
    loa_stream *stream = opaque;
    if (atomic_load(&stream->aborted)) return 1;
    long long deadline = atomic_load(&stream->deadline);
    return deadline != 0 && now_ns() > deadline;
}

static void say(char *error, size_t size, const char *what, int code) {
    char reason[AV_ERROR_MAX_STRING_SIZE] = "";
    if (code != 0) av_strerror(code, reason, sizeof reason);
    snprintf(error, size, "%s%s%s", what, code != 0 ? ": " : "", reason);
}

loa_stream *loa_stream_create(void) {
    loa_stream *stream = calloc(1, sizeof *stream);
    if (stream == NULL) return NULL;
    stream->audio_index = -1;
    stream->packet = av_packet_alloc();
    stream->frame = av_frame_alloc();
    if (stream->packet == NULL || stream->frame == NULL) {
        loa_stream_destroy(stream);
        return NULL;
    }
    av_log_set_level(AV_LOG_QUIET);
    return stream;
}

int loa_stream_open(loa_stream *stream, const char *url, int timeout_ms, char *error, size_t error_size) {
    stream->timeout_ns = (long long)timeout_ms * 1000000LL;
    stream->format = avformat_alloc_context();
    if (stream->format == NULL) {
        say(error, error_size, "out of memory", 0);
        return -1;
    }
    stream->format->interrupt_callback.callback = interrupted;
    stream->format->interrupt_callback.opaque = stream;
    AVDictionary *options = NULL;
    char timeout[32];
    snprintf(timeout, sizeof timeout, "%lld", (long long)timeout_ms * 1000LL);
    av_dict_set(&options, "rw_timeout", timeout, 0);
    av_dict_set(&options, "user_agent", "Loa", 0);
    av_dict_set(&options, "analyzeduration", "1000000", 0);
    // Finding the format reads up to 1 MiB by default: seconds of a radio stream (MP3 scores low until then).
    av_dict_set(&options, "formatprobesize", "32768", 0);
    arm(stream);
    int result = avformat_open_input(&stream->format, url, NULL, &options);
    av_dict_free(&options);
    if (result < 0) {
        say(error, error_size, atomic_load(&stream->aborted) ? "stopped" : "cannot open", result);
        return -1;
    }
    arm(stream);
    result = avformat_find_stream_info(stream->format, NULL);
    if (result < 0) {
        say(error, error_size, "cannot read the stream's format", result);
        return -1;
    }
    const AVCodec *decoder = NULL;
    result = av_find_best_stream(stream->format, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
    if (result < 0 || decoder == NULL) {
        say(error, error_size, "no sound in it", 0);
        return -1;
    }
    stream->audio_index = result;
    stream->codec = avcodec_alloc_context3(decoder);
    if (stream->codec == NULL) {
        say(error, error_size, "out of memory", 0);
        return -1;
    }
    result = avcodec_parameters_to_context(stream->codec, stream->format->streams[result]->codecpar);
    if (result >= 0) result = avcodec_open2(stream->codec, decoder, NULL);
    if (result < 0) {
        say(error, error_size, "cannot decode its sound", result);
        return -1;
    }
    snprintf(stream->format_name, sizeof stream->format_name, "%s / %s", stream->format->iformat->name,
             decoder->name);
    return 0;
}

/// Makes the converter for `frame`'s layout if it is new (an HLS stream may change rate between segments).
static int prepare_converter(loa_stream *stream, AVFrame *frame, char *error, size_t error_size) {
    if (stream->converter != NULL && frame->sample_rate == stream->converter_rate &&
        frame->format == stream->converter_format &&
        av_channel_layout_compare(&frame->ch_layout, &stream->converter_layout) == 0)
        return 0;
    swr_free(&stream->converter);
    av_channel_layout_uninit(&stream->converter_layout);
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    AVChannelLayout input;
    if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame->ch_layout.nb_channels == 0)
        av_channel_layout_default(&input, frame->ch_layout.nb_channels > 0 ? frame->ch_layout.nb_channels : 1);
    else
        av_channel_layout_copy(&input, &frame->ch_layout);
    int result = swr_alloc_set_opts2(&stream->converter, &mono, AV_SAMPLE_FMT_FLT, output_rate, &input,
                                     frame->format, frame->sample_rate, 0, NULL);
    if (result >= 0) result = swr_init(stream->converter);
    av_channel_layout_uninit(&input);
    if (result < 0) {
        say(error, error_size, "cannot convert its sound to 48 kHz", result);
        return -1;
    }
    stream->converter_rate = frame->sample_rate;
    stream->converter_format = frame->format;
    av_channel_layout_copy(&stream->converter_layout, &frame->ch_layout);
    return 0;
}

/// Converts `frame` (NULL: what the converter still holds) into `pending`.
static int convert(loa_stream *stream, AVFrame *frame, char *error, size_t error_size) {
    if (frame != NULL && prepare_converter(stream, frame, error, error_size) < 0) return -1;
    if (stream->converter == NULL) return 0;
    int room = swr_get_out_samples(stream->converter, frame != NULL ? frame->nb_samples : 0);
    if (room <= 0) return 0;
    if (room > stream->pending_capacity) {
        float *grown = realloc(stream->pending, (size_t)room * sizeof(float));
        if (grown == NULL) {
            say(error, error_size, "out of memory", 0);
            return -1;
        }
        stream->pending = grown;
        stream->pending_capacity = room;
    }
    uint8_t *out[1] = {(uint8_t *)stream->pending};
    int made = swr_convert(stream->converter, out, room, frame != NULL ? (const uint8_t **)frame->extended_data : NULL,
                           frame != NULL ? frame->nb_samples : 0);
    if (made < 0) {
        say(error, error_size, "cannot convert its sound to 48 kHz", made);
        return -1;
    }
    stream->pending_start = 0;
    stream->pending_count = made;
    return 0;
}

int loa_stream_read(loa_stream *stream, float *samples, int capacity, char *error, size_t error_size) {
    if (stream->codec == NULL) {
        say(error, error_size, "not opened", 0);
        return -1;
    }
    for (;;) {
        if (atomic_load(&stream->aborted)) {
            say(error, error_size, "stopped", 0);
            return -1;
        }
        if (stream->pending_count > 0) {
            int count = stream->pending_count < capacity ? stream->pending_count : capacity;
            memcpy(samples, stream->pending + stream->pending_start, (size_t)count * sizeof(float));
            stream->pending_start += count;
            stream->pending_count -= count;
            return count;
        }
        if (stream->decoder_ended) {
            // What the converter still holds, once; then the end.
            if (stream->converter != NULL) {
                if (convert(stream, NULL, error, error_size) < 0) return -1;
                swr_free(&stream->converter);
                continue;
            }
            return 0;
        }
        int result = avcodec_receive_frame(stream->codec, stream->frame);
        if (result == 0) {
            int converted = convert(stream, stream->frame, error, error_size);
            av_frame_unref(stream->frame);
            if (converted < 0) return -1;
            continue;
        }
        if (result == AVERROR_EOF) {
            stream->decoder_ended = 1;
            continue;
        }
        if (result != AVERROR(EAGAIN)) {
            say(error, error_size, "cannot decode its sound", result);
            return -1;
        }
        if (stream->input_ended) {
            say(error, error_size, "the decoder wants input after the end", 0);
            return -1;
        }
        arm(stream);
        result = av_read_frame(stream->format, stream->packet);
        if (result == AVERROR_EOF) {
            stream->input_ended = 1;
            avcodec_send_packet(stream->codec, NULL);
            continue;
        }
        if (result < 0) {
            say(error, error_size,
                atomic_load(&stream->aborted) ? "stopped"
                : interrupted(stream)          ? "nothing came within the timeout"
                                               : "cannot read",
                atomic_load(&stream->aborted) || interrupted(stream) ? 0 : result);
            return -1;
        }
        if (stream->packet->stream_index == stream->audio_index) {
            result = avcodec_send_packet(stream->codec, stream->packet);
            // A damaged packet is skipped (the decoder resynchronises), as a player does.
            (void)result;
        }
        av_packet_unref(stream->packet);
    }
}

void loa_stream_abort(loa_stream *stream) { atomic_store(&stream->aborted, 1); }

const char *loa_stream_format(loa_stream *stream) { return stream->format_name; }

void loa_stream_destroy(loa_stream *stream) {
    if (stream == NULL) return;
    swr_free(&stream->converter);
    av_channel_layout_uninit(&stream->converter_layout);
    avcodec_free_context(&stream->codec);
    if (stream->format != NULL) avformat_close_input(&stream->format);
    av_packet_free(&stream->packet);
    av_frame_free(&stream->frame);
    free(stream->pending);
    free(stream);
}
