/// libopus's encoder and decoder controls, which opus.h declares as variadic macros Swift cannot call.
#ifndef LOA_OPUS_CTL_H
#define LOA_OPUS_CTL_H

#ifdef __cplusplus
extern "C" {
#endif

struct OpusEncoder;
struct OpusDecoder;
/// Applies the encoder settings; returns 0 or a negative libopus error.
int loa_opus_encoder_configure(struct OpusEncoder *encoder, int bitrate, int complexity, int inband_fec,
                               int expected_loss_percent);
/// The encoder's look-ahead in samples at its rate.
int loa_opus_encoder_lookahead(struct OpusEncoder *encoder);
/// Resets the decoder state (a new stream starts).
void loa_opus_decoder_reset(struct OpusDecoder *decoder);

#ifdef __cplusplus
}
#endif
#endif
