//! The one pagination shape shared by every provider.

use std::collections::HashSet;

use futures::Stream;

use crate::error::Error;

/// The maximum number of pages one listing may take. 100 000 pages of 100 items is ten
/// million records, far more than any listing this SDK reads, so a provider that never
/// ends is cut off here instead of exhausting memory.
pub const MAX_PAGES: usize = 100_000;

/// One page of a listing: its items and where the next page is.
///
/// `next` is whatever the provider uses to reach the next page: a URL from a GitHub
/// `Link` header, a Slack `next_cursor`, a Jira `nextPageToken`. `None` means the provider
/// signalled the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The cursor or URL of the next page, or `None` on the last page.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Turns a page fetcher into a stream of items that stops on the provider's end signal.
    ///
    /// `fetch` receives `None` for the first page, then each page's `next` value. A next
    /// value the provider already sent in this listing, or a listing longer than
    /// [`MAX_PAGES`], ends the stream with [`Error::PaginationLoop`] instead of looping.
    pub fn into_stream<F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<Page<T>, Error>>,
    {
        struct State<F, T> {
            fetch: F,
            buffered: std::vec::IntoIter<T>,
            next: Option<String>,
            seen: HashSet<String>,
            pages: usize,
            started: bool,
            done: bool,
        }

        let state = State {
            fetch,
            buffered: Vec::new().into_iter(),
            next: None,
            seen: HashSet::new(),
            pages: 0,
            started: false,
            done: false,
        };
        impl<F, T> State<F, T> {
            /// Records the next cursor and returns why the listing must stop, if it must.
            fn loop_reason(&mut self) -> Option<&'static str> {
                if self.pages >= MAX_PAGES {
                    return Some("the listing exceeded the page limit");
                }
                match &self.next {
                    Some(next) if !self.seen.insert(next.clone()) => {
                        Some("the provider sent a next cursor it had already sent")
                    }
                    _ => None,
                }
            }
        }

        futures::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.buffered.next() {
                    return Some((Ok(item), state));
                }
                if state.done || (state.started && state.next.is_none()) {
                    return None;
                }
                if let Some(reason) = state.loop_reason() {
                    state.done = true;
                    let pages = state.pages;
                    return Some((Err(Error::PaginationLoop { pages, reason }), state));
                }
                state.started = true;
                state.pages += 1;
                match (state.fetch)(state.next.take()).await {
                    Ok(page) => {
                        state.next = page.next;
                        state.buffered = page.items.into_iter();
                    }
                    Err(error) => {
                        state.done = true;
                        return Some((Err(error), state));
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt;

    use super::*;

    #[tokio::test]
    async fn stream_follows_pages_until_none() {
        let pages = Page::into_stream(|cursor: Option<String>| async move {
            Ok(match cursor.as_deref() {
                None => Page {
                    items: vec![1, 2],
                    next: Some("b".to_owned()),
                },
                Some("b") => Page {
                    items: vec![],
                    next: Some("c".to_owned()),
                },
                _ => Page {
                    items: vec![3],
                    next: None,
                },
            })
        });

        let items: Vec<i32> = pages.try_collect().await.expect("pages load");
        assert_eq!(items, vec![1, 2, 3]);
    }

    #[tokio::test]
    async fn stream_stops_on_repeated_cursor() {
        // The cursors cycle a -> b -> a, as a misbehaving provider might.
        let pages = Page::into_stream(|cursor: Option<String>| async move {
            let next = match cursor.as_deref() {
                None | Some("b") => "a",
                _ => "b",
            };
            Ok(Page {
                items: vec![1],
                next: Some(next.to_owned()),
            })
        });

        let result: Result<Vec<i32>, Error> = pages.try_collect().await;
        match result {
            Err(Error::PaginationLoop { pages, .. }) => assert_eq!(pages, 3),
            other => panic!("expected a pagination loop error, got {other:?}"),
        }
    }
}
