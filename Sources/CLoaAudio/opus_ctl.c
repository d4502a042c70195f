#include "loa_opus_ctl.h"

#include <opus.h>

int loa_opus_encoder_configure(struct OpusEncoder *encoder, int bitrate, int complexity, int inband_fec,
                               int expected_loss_percent) {
    int error = opus_encoder_ctl(encoder, OPUS_SET_BITRATE(bitrate));
    if (error == OPUS_OK) error = opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(complexity));
    if (error == OPUS_OK) error = opus_encoder_ctl(encoder, OPUS_SET_INBAND_FEC(inband_fec));
    if (error == OPUS_OK) error = opus_encoder_ctl(encoder, OPUS_SET_PACKET_LOSS_PERC(expected_loss_percent));
    return error;
}

int loa_opus_encoder_lookahead(struct OpusEncoder *encoder) {
    opus_int32 lookahead = 0;
    opus_encoder_ctl(encoder, OPUS_GET_LOOKAHEAD(&lookahead));
    return (int)lookahead;
}

void loa_opus_decoder_reset(struct OpusDecoder *decoder) { opus_decoder_ctl(decoder, OPUS_RESET_STATE); }
