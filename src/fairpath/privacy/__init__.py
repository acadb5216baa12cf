"""Protection of personal data: envelope encryption, blind indexes, crypto-shredding.

Pure code: keys and ciphertexts come in and go out as bytes; where keys are kept is the
storage layer's business.
"""
