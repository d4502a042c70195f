#include "loa_bench.h"

#include <opus.h>

long loa_bench_opus_encode_loop(const int16_t *pcm, size_t samples, int frame_samples, int bitrate,
                                int complexity, int inband_fec, int packet_loss_percent) {
    int error = 0;
    OpusEncoder *encoder = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &error);
    if (encoder == NULL) return error;
    opus_encoder_ctl(encoder, OPUS_SET_BITRATE(bitrate));
    opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(complexity));
    opus_encoder_ctl(encoder, OPUS_SET_INBAND_FEC(inband_fec));
    opus_encoder_ctl(encoder, OPUS_SET_PACKET_LOSS_PERC(packet_loss_percent));
    unsigned char packet[1275];
    long total = 0;
    for (size_t offset = 0; offset + (size_t)frame_samples <= samples; offset += (size_t)frame_samples) {
        opus_int32 length = opus_encode(encoder, pcm + offset, frame_samples, packet, (opus_int32)sizeof packet);
        if (length < 0) {
            total = length;
            break;
        }
        total += length;
    }
    opus_encoder_destroy(encoder);
    return total;
}
