# tp_embed(INPUT SYMBOL OUTPUT): turns a file into a C source defining
#   const unsigned char SYMBOL[]; const size_t SYMBOL_len;
# The data is NUL-terminated (not counted in _len) so text can be used directly.
function(tp_embed input symbol output)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DSYMBOL=${symbol} -DOUTPUT=${output}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${input} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${input}")
endfunction()
