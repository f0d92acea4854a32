#!/bin/sh
# azd postprovision hook: the secrets now exist, so no later provision may write them.
set -eu
azd env set INNING_SECRETS_CREATED true
